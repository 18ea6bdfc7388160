import Foundation

/// The little DER this module writes itself: SubjectPublicKeyInfo and PKCS#8 wrappers for key types whose
/// swift-crypto types expose only raw bytes (Ed25519, ML-DSA).
enum DER {
    static func length(_ count: Int) -> [UInt8] {
        if count < 0x80 { return [UInt8(count)] }
        var bytes: [UInt8] = []
        var n = count
        while n > 0 {
            bytes.insert(UInt8(n & 0xff), at: 0)
            n >>= 8
        }
        return [0x80 | UInt8(bytes.count)] + bytes
    }

    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] { [tag] + length(content.count) + content }
    static func sequence(_ parts: [UInt8]...) -> [UInt8] { tlv(0x30, parts.flatMap { $0 }) }
    static func oid(_ encoded: [UInt8]) -> [UInt8] { tlv(0x06, encoded) }
    static func bitString(_ bytes: [UInt8]) -> [UInt8] { tlv(0x03, [0] + bytes) }
    static func octetString(_ bytes: [UInt8]) -> [UInt8] { tlv(0x04, bytes) }

    /// SubjectPublicKeyInfo with an algorithm that has no parameters.
    static func spki(oid encoded: [UInt8], publicKey: [UInt8]) -> Data {
        Data(sequence(sequence(oid(encoded)), bitString(publicKey)))
    }

    /// OneAsymmetricKey v0 (PKCS#8) with an algorithm that has no parameters.
    static func pkcs8(oid encoded: [UInt8], privateKey: [UInt8]) -> Data {
        Data(sequence(tlv(0x02, [0]), sequence(oid(encoded)), octetString(privateKey)))
    }

    /// Reads a SubjectPublicKeyInfo's algorithm OID bytes and key bytes; nil when it is not one.
    static func parseSPKI(_ data: Data) -> (oid: [UInt8], parameters: [UInt8]?, key: [UInt8])? {
        var reader = Reader(Array(data))
        guard let outer = reader.read(0x30), reader.atEnd else { return nil }
        var spki = Reader(outer)
        guard let algorithm = spki.read(0x30), let bits = spki.read(0x03), spki.atEnd, bits.first == 0 else {
            return nil
        }
        var alg = Reader(algorithm)
        guard let oid = alg.read(0x06) else { return nil }
        let parameters = alg.atEnd ? nil : alg.rest
        return (oid, parameters, Array(bits.dropFirst()))
    }

    struct Reader {
        var bytes: [UInt8]
        var index = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        var atEnd: Bool { index == bytes.count }
        var rest: [UInt8] { Array(bytes[index...]) }

        mutating func read(_ tag: UInt8) -> [UInt8]? {
            guard index + 2 <= bytes.count, bytes[index] == tag else { return nil }
            var i = index + 1
            var count = Int(bytes[i])
            i += 1
            if count & 0x80 != 0 {
                let n = count & 0x7f
                guard n >= 1, n <= 4, i + n <= bytes.count else { return nil }
                count = 0
                for _ in 0..<n {
                    count = count << 8 | Int(bytes[i])
                    i += 1
                }
            }
            guard i + count <= bytes.count else { return nil }
            index = i + count
            return Array(bytes[i..<(i + count)])
        }
    }
}

enum OID {
    static let ecPublicKey: [UInt8] = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]  // 1.2.840.10045.2.1
    /// Named-curve parameters as they appear in an SPKI's AlgorithmIdentifier (the whole OID TLV).
    static let prime256v1Parameters: [UInt8] = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]
    static let secp384r1Parameters: [UInt8] = [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22]
    static let secp521r1Parameters: [UInt8] = [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23]
    static let ed25519: [UInt8] = [0x2b, 0x65, 0x70]  // 1.3.101.112
    static let mlDSA44: [UInt8] = [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x11]  // 2.16.840.1.101.3.4.3.17
    static let mlDSA65: [UInt8] = [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x12]
    static let mlDSA87: [UInt8] = [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x13]
}
