import Crypto
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

    /// SHA-256 of `label` followed by the secret: a key check value that identifies high-entropy material
    /// (a key) without revealing it. Never use it on a low-entropy secret such as a password.
    public func checkValue(label: String) -> Data {
        var hash = SHA256()
        hash.update(data: Data(label.utf8))
        hash.update(data: bytes)
        return Data(hash.finalize())
    }
}

/// Comparison of secrets (signatures, passwords, tokens) in time that does not depend on where they differ.
public enum ConstantTime {
    public static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}

public enum SecureRandom {
    /// Bytes from the system's cryptographically secure generator (getrandom on Linux).
    public static func bytes(_ count: Int) -> Data {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8]()
        bytes.reserveCapacity(count)
        while bytes.count < count {
            let word = generator.next()
            for shift in stride(from: 0, to: 64, by: 8) where bytes.count < count {
                bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        let data = Data(bytes)
        return data
    }
}

/// SHA-256 of public data (integrity values, not secrets).
public enum SHA256Digest {
    public static func of(_ data: Data) -> Data { Data(SHA256.hash(data: data)) }
}
