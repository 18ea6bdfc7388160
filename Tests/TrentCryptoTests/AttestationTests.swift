import Crypto
import Foundation
import Testing

@testable import TrentCrypto

/// The CBOR reader and writer on RFC 8949's Appendix A vectors, and what the attestation checks refuse.
@Suite struct CBORTests {
    static func hex(_ text: String) -> Data {
        Data(stride(from: 0, to: text.count, by: 2).map { UInt8(text.dropFirst($0).prefix(2), radix: 16)! })
    }

    /// (encoding, value) from RFC 8949 Appendix A.
    static let vectors: [(String, CBOR)] = [
        ("00", .unsigned(0)), ("17", .unsigned(23)), ("1818", .unsigned(24)), ("1903e8", .unsigned(1000)),
        ("1a000f4240", .unsigned(1_000_000)), ("1b000000e8d4a51000", .unsigned(1_000_000_000_000)),
        ("1bffffffffffffffff", .unsigned(18_446_744_073_709_551_615)), ("20", .negative(0)), ("3863", .negative(99)),
        ("3903e7", .negative(999)), ("40", .bytes(Data())), ("4401020304", .bytes(Data([1, 2, 3, 4]))),
        ("60", .text("")), ("6161", .text("a")), ("6449455446", .text("IETF")), ("62c3bc", .text("\u{fc}")),
        ("80", .array([])), ("83010203", .array([.unsigned(1), .unsigned(2), .unsigned(3)])),
        (
            "8301820203820405",
            .array([.unsigned(1), .array([.unsigned(2), .unsigned(3)]), .array([.unsigned(4), .unsigned(5)])])
        ),
        ("a0", .map([])), ("a201020304", .map([.init(.unsigned(1), .unsigned(2)), .init(.unsigned(3), .unsigned(4))])),
        (
            "a26161016162820203",
            .map([.init(.text("a"), .unsigned(1)), .init(.text("b"), .array([.unsigned(2), .unsigned(3)]))])
        ),
        ("f4", .bool(false)), ("f5", .bool(true)), ("f6", .null), ("f7", .undefined), ("f0", .simple(16)),
        ("f8ff", .simple(255)), ("c11a514b67b0", .tagged(1, .unsigned(1_363_896_240))),
        ("d74401020304", .tagged(23, .bytes(Data([1, 2, 3, 4])))),
    ]

    @Test func decodesTheRFCVectorsAndEncodesThemBack() throws {
        for (encoding, value) in Self.vectors {
            #expect(try CBOR.decode(Self.hex(encoding)) == value, "\(encoding)")
            #expect(value.encoded == Self.hex(encoding), "\(encoding)")
        }
    }

    @Test func decodesTheRFCFloats() throws {
        for (encoding, value) in [
            ("f90000", 0.0), ("f93c00", 1.0), ("f97bff", 65504.0), ("fa47c35000", 100000.0), ("fb3ff199999999999a", 1.1),
            ("f9c400", -4.0), ("fb7e37e43c8800759c", 1.0e+300),
        ] {
            #expect(try CBOR.decode(Self.hex(encoding)) == .float(value), "\(encoding)")
        }
    }

    @Test func refusesWhatItDoesNotRead() {
        // Truncated, trailing bytes, indefinite lengths, a length past the end, invalid UTF-8, too deep.
        for encoding in ["19", "0000", "5f42010243030405ff", "9f018202039f0405ffff", "5a00010000", "62c328"] {
            #expect(throws: CBOR.Malformed.self, "\(encoding)") { try CBOR.decode(Self.hex(encoding)) }
        }
        #expect(throws: CBOR.Malformed.self) { try CBOR.decode(Data(repeating: 0x81, count: 40) + Data([0])) }
    }
}

@Suite struct NitroAttestationTests {
    @Test func theBuiltInRootIsAWSsPublishedCertificate() {
        // The SHA-256 fingerprint AWS publishes for AWS_NitroEnclaves_Root-G1.
        let fingerprint = SHA256.hash(data: NitroAttestation.awsRoot).map { String(format: "%02x", $0) }.joined()
        #expect(fingerprint == "641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b")
    }

    @Test func refusesWhatIsNotASignedDocument() {
        let notCOSE = CBOR.map([.init(.text("module_id"), .text("x"))]).encoded
        let unsignedHeader = CBOR.array([.bytes(CBOR.map([]).encoded), .map([]), .bytes(Data()), .bytes(Data())]).encoded
        for document in [Data([0xff]), notCOSE, unsignedHeader] {
            #expect(throws: NitroAttestation.Failure.self) {
                try NitroAttestation.verify(document, root: NitroAttestation.awsRoot, at: Date())
            }
        }
    }

    @Test func envelopesOnlyForRSAKeys() throws {
        let ec = P256.Signing.PrivateKey().publicKey.derRepresentation
        #expect(throws: EnvelopedData.Failure.self) { try EnvelopedData.seal(SecretBytes(Data([1])), for: ec) }
        #expect(throws: EnvelopedData.Failure.self) { try EnvelopedData.seal(SecretBytes(Data([1])), for: Data([0x30, 0])) }
    }
}
