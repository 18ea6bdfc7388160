import Foundation

/// Secret bytes (plaintext, data keys, key material) whose description never shows them, so that
/// string interpolation into a log line cannot leak them.
public struct SecretBytes: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public let bytes: Data
    public init(_ bytes: Data) { self.bytes = bytes }
    public var count: Int { bytes.count }
    public var description: String { "<redacted \(bytes.count) bytes>" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }

    /// `count` bytes from the system's secure random source.
    public static func random(count: Int) -> SecretBytes { SecretBytes(SecureRandom.bytes(count)) }
}

public enum SecureRandom {
    /// Bytes from the system's cryptographically secure generator (getrandom on Linux).
    public static func bytes(_ count: Int) -> Data {
        var generator = SystemRandomNumberGenerator()
        var data = Data(count: count)
        data.withUnsafeMutableBytes { buffer in
            var i = 0
            while i < count {
                var word = generator.next()
                let n = min(8, count - i)
                withUnsafeBytes(of: &word) { w in
                    for j in 0..<n { buffer[i + j] = w[j] }
                }
                i += n
            }
        }
        return data
    }
}
