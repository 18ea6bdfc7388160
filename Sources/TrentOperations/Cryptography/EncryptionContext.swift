import Foundation

/// The canonical bytes of an encryption context, bound to a ciphertext as associated data: pairs sorted by
/// key, each key and value length-prefixed, so no two different contexts share an encoding.
enum EncryptionContext {
    static func canonical(_ context: [String: String]?) -> Data {
        guard let context, !context.isEmpty else { return Data() }
        var out = Data()
        for (key, value) in context.sorted(by: { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }) {
            append(key, to: &out)
            append(value, to: &out)
        }
        return out
    }

    private static func append(_ s: String, to out: inout Data) {
        let bytes = Array(s.utf8)
        var n = UInt32(bytes.count).bigEndian
        withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
        out.append(contentsOf: bytes)
    }
}
