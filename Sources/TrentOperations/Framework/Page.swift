import TrentCore

/// Limit/Marker pagination over a list sorted by a unique string: the marker is the sort key of the last item
/// returned, so every item appears exactly once even while items are added or removed between pages.
struct Page<Item> {
    let items: [Item]
    let nextMarker: String?

    static func of(
        _ all: [Item], limit: Int?, defaultLimit: Int, maxLimit: Int, marker: String?, key: (Item) -> String
    ) throws(KMSError) -> Page {
        let size = min(limit ?? defaultLimit, maxLimit)
        var start = all.startIndex
        if let marker {
            guard let decoded = PageMarker.decode(marker) else {
                throw KMSError(.invalidMarker, "Invalid marker: \(marker)")
            }
            start = all.firstIndex { key($0) > decoded } ?? all.endIndex
        }
        let end = min(all.endIndex, start + size)
        let items = Array(all[start..<end])
        let next = end < all.endIndex ? items.last.map { PageMarker.encode(key($0)) } : nil
        return Page(items: items, nextMarker: next)
    }
}

enum PageMarker {
    static func encode(_ key: String) -> String { "trent1:" + key }
    static func decode(_ marker: String) -> String? {
        marker.hasPrefix("trent1:") ? String(marker.dropFirst(7)) : nil
    }

    /// The position a request's Marker names, read as the store's key type (nil without a marker); a marker that
    /// Trent did not write, or whose key is not of that type, is InvalidMarkerException.
    static func position<Key>(_ marker: String?, as key: (String) -> Key?) throws(KMSError) -> Key? {
        guard let marker else { return nil }
        guard let decoded = decode(marker), let position = key(decoded) else {
            throw KMSError(.invalidMarker, "Invalid marker: \(marker)")
        }
        return position
    }
}
