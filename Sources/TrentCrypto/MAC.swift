import Crypto
import Foundation

/// HMAC over the SHA-2 family: swift-crypto for SHA-256/384/512, libcrypto for SHA-224 (swift-crypto has none).
public enum MACAlgorithm: Sendable, CaseIterable {
    case hmacSHA224, hmacSHA256, hmacSHA384, hmacSHA512

    /// The key length AWS KMS generates for an HMAC key of this size, in bytes.
    public var keyLength: Int {
        switch self {
        case .hmacSHA224: 28
        case .hmacSHA256: 32
        case .hmacSHA384: 48
        case .hmacSHA512: 64
        }
    }

    public func authenticate(_ message: Data, key: SecretBytes) -> Data {
        let symmetric = SymmetricKey(data: key.bytes)
        switch self {
        case .hmacSHA224: return LibCrypto.hmacSHA224(key: key.bytes, message: message)
        case .hmacSHA256: return Data(HMAC<SHA256>.authenticationCode(for: message, using: symmetric))
        case .hmacSHA384: return Data(HMAC<SHA384>.authenticationCode(for: message, using: symmetric))
        case .hmacSHA512: return Data(HMAC<SHA512>.authenticationCode(for: message, using: symmetric))
        }
    }

    /// Constant-time comparison of a presented MAC with the right one.
    public func verify(_ mac: Data, for message: Data, key: SecretBytes) -> Bool {
        let expected = authenticate(message, key: key)
        guard mac.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(mac, expected) { difference |= a ^ b }
        return difference == 0
    }
}
