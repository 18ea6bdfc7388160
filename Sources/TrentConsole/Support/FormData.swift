import Foundation

/// `application/x-www-form-urlencoded` fields (a form body or a query string), in order, with repeats kept
/// (several check boxes of one name).
struct FormData: Sendable {
    private(set) var fields: [(name: String, value: String)] = []

    init(_ encoded: String) {
        for pair in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            fields.append((name, value))
        }
    }

    init(fields: [(String, String)]) { self.fields = fields.map { (name: $0.0, value: $0.1) } }

    subscript(name: String) -> String? { fields.first { $0.name == name }?.value }

    /// The value, trimmed, or nil when absent or blank.
    func text(_ name: String) -> String? {
        guard let value = self[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    func all(_ name: String) -> [String] { fields.filter { $0.name == name }.map(\.value) }

    static func decode(_ part: Substring) -> String {
        let spaced = part.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// A query string from pairs, skipping empty values.
    static func query(_ pairs: [(String, String?)]) -> String {
        pairs.compactMap { name, value in
            guard let value, !value.isEmpty else { return nil }
            return "\(encode(name))=\(encode(value))"
        }.joined(separator: "&")
    }
}
