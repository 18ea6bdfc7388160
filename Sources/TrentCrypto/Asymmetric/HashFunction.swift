import Crypto
import Foundation

/// The hash functions the signature schemes use.
public enum HashFunction: Sendable, Hashable {
    case sha256, sha384, sha512

    public var byteCount: Int {
        switch self {
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    public func hash(_ data: Data) -> Data {
        switch self {
        case .sha256: Data(SHA256.hash(data: data))
        case .sha384: Data(SHA384.hash(data: data))
        case .sha512: Data(SHA512.hash(data: data))
        }
    }
}

/// A digest computed elsewhere (a caller's `MessageType: DIGEST`), presented to swift-crypto's ECDSA, which
/// signs any `Digest` by its bytes.
struct PrecomputedDigest: Digest {
    static let byteCount = 64  // the largest; ECDSA reads the actual bytes
    let bytes: [UInt8]

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes(body)
    }
    func makeIterator() -> IndexingIterator<[UInt8]> { bytes.makeIterator() }
    var description: String { "PrecomputedDigest(\(bytes.count) bytes)" }
}
