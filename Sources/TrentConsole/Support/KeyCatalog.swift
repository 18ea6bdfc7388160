import Foundation
import Synchronization
import TrentCore

/// One key as the key tables show it: DescribeKey's metadata, its aliases, and (once a search needs them) its tags.
struct KeySummary: Sendable {
    let keyID: String
    var aliases: [String] = []
    var metadata: JSONValue?
    /// Why DescribeKey was refused, when it was.
    var refusal: String?
    var tags: [(key: String, value: String)]?

    var isCustomerManaged: Bool { metadata?["KeyManager"]?.stringValue != "AWS" }
    var state: String { metadata?["KeyState"]?.stringValue ?? "Unknown" }
    var spec: String { metadata?["KeySpec"]?.stringValue ?? "-" }
    var usage: String { metadata?["KeyUsage"]?.stringValue ?? "-" }
    var description: String { metadata?["Description"]?.stringValue ?? "" }
    var origin: String { metadata?["Origin"]?.stringValue ?? "-" }
    var created: Double { metadata?["CreationDate"]?.numberValue ?? 0 }
    var regionality: String {
        guard metadata?["MultiRegion"]?.boolValue == true else { return "Single-Region" }
        return metadata?["MultiRegionConfiguration"]?["MultiRegionKeyType"]?.stringValue == "REPLICA"
            ? "Multi-Region replica" : "Multi-Region primary"
    }
    /// AWS's console calls HMAC keys symmetric too; the filter tells them apart.
    var keyType: String {
        if spec == "SYMMETRIC_DEFAULT" || spec.hasPrefix("HMAC_") { return "Symmetric" }
        return spec == "-" ? "-" : "Asymmetric"
    }
    var typeFilter: String {
        spec.hasPrefix("HMAC_") ? "hmac" : keyType == "Symmetric" ? "symmetric" : keyType == "Asymmetric" ? "asymmetric" : ""
    }
}

/// The key tables' data for one caller in one account and Region, read through the API (ListKeys, ListAliases,
/// DescribeKey, and ListResourceTags when searching) and kept until the store's generation moves, so paging,
/// sorting and filtering 10,000 keys do not repeat 10,000 calls.
final class KeyCatalogs: Sendable {
    private struct Entry {
        var generation: UInt64
        var summaries: [KeySummary]
        var tagsLoaded: Bool
        var used: Date
    }

    private let entries = Mutex<[String: Entry]>([:])
    private static let maximumEntries = 64

    func summaries(
        _ api: ConsoleAPI, generation: UInt64, needTags: Bool
    ) async -> Result<[KeySummary], KMSError> {
        let cacheKey = "\(api.identity.account.rawValue)|\(api.region.rawValue)|\(api.identity.principal)"
        var cached = entries.withLock { all -> Entry? in
            guard let hit = all[cacheKey], hit.generation == generation else { return nil }
            all[cacheKey]?.used = Date()
            return hit
        }
        if cached == nil {
            switch await Self.read(api) {
            case .failure(let error): return .failure(error)
            case .success(let summaries):
                cached = Entry(generation: generation, summaries: summaries, tagsLoaded: false, used: Date())
            }
        }
        guard var entry = cached else { return .failure(KMSError.internalError()) }
        if needTags && !entry.tagsLoaded {
            for index in entry.summaries.indices where entry.summaries[index].isCustomerManaged {
                let tags = await api.listAll(
                    "ListResourceTags", member: "Tags", ["KeyId": entry.summaries[index].keyID], limit: 50)
                entry.summaries[index].tags =
                    (try? tags.get())?.compactMap { tag in
                        guard let key = tag["TagKey"]?.stringValue else { return nil }
                        return (key, tag["TagValue"]?.stringValue ?? "")
                    } ?? []
            }
            entry.tagsLoaded = true
        }
        let stored = entry
        entries.withLock { all in
            if all.count >= Self.maximumEntries, let oldest = all.min(by: { $0.value.used < $1.value.used }) {
                all[oldest.key] = nil
            }
            all[cacheKey] = stored
        }
        return .success(entry.summaries)
    }

    private static func read(_ api: ConsoleAPI) async -> Result<[KeySummary], KMSError> {
        let keys: [JSONValue]
        let aliases: [JSONValue]
        switch await api.listAll("ListKeys", member: "Keys", limit: 1000) {
        case .failure(let error): return .failure(error)
        case .success(let items): keys = items
        }
        switch await api.listAll("ListAliases", member: "Aliases", limit: 100) {
        case .failure(let error): return .failure(error)
        case .success(let items): aliases = items
        }
        var aliasesByKey: [String: [String]] = [:]
        for alias in aliases {
            guard let target = alias["TargetKeyId"]?.stringValue, let name = alias["AliasName"]?.stringValue else { continue }
            aliasesByKey[target, default: []].append(name)
        }
        var summaries: [KeySummary] = []
        summaries.reserveCapacity(keys.count)
        for key in keys {
            guard let id = key["KeyId"]?.stringValue else { continue }
            var summary = KeySummary(keyID: id, aliases: (aliasesByKey[id] ?? []).sorted())
            switch await api.call("DescribeKey", ["KeyId": id]) {
            case .success(let answer): summary.metadata = answer["KeyMetadata"]
            case .failure(let error): summary.refusal = error.message
            }
            summaries.append(summary)
        }
        return .success(summaries)
    }
}
