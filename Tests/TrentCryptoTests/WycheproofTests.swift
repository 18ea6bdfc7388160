import Crypto
import Foundation
import Testing

@testable import TrentCrypto

/// Project Wycheproof vectors (vendored in Wycheproof/) against TrentCrypto's own types: every "valid" case must
/// pass and every "invalid" case must fail; "acceptable" cases may go either way.
struct WycheproofFile: Decodable {
    struct Group: Decodable {
        var publicKeyDer: String?
        var keyDer: String?
        var publicKey: JSONPublicKey?
        var privateKeyPkcs8: String?
        var tests: [Case]
    }
    /// `publicKey` is an object for ECDSA/EdDSA groups and a hex string for ML-DSA groups.
    enum JSONPublicKey: Decodable {
        case hex(String), object
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            self = (try? container.decode(String.self)).map(JSONPublicKey.hex) ?? .object
        }
    }
    struct Case: Decodable {
        var tcId: Int
        var msg: String?
        var sig: String?
        var ct: String?
        var label: String?
        var ctx: String?
        var `public`: String?
        var `private`: String?
        var shared: String?
        var result: String
    }
    var testGroups: [Group]

    static func load(_ name: String) throws -> WycheproofFile {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Wycheproof"))
        return try JSONDecoder().decode(WycheproofFile.self, from: Data(contentsOf: url))
    }
}

@Suite struct WycheproofTests {
    func checkSignatures(
        _ file: String, _ type: AsymmetricKeyType, _ scheme: SignatureScheme, key: (WycheproofFile.Group) -> Data
    ) throws {
        var checked = 0
        for group in try WycheproofFile.load(file).testGroups {
            let publicKey = AsymmetricPublicKey(type: type, der: key(group))
            // AWS KMS signs with an empty ML-DSA context; vectors with another context do not apply.
            for test in group.tests where test.result != "acceptable" && (test.ctx ?? "").isEmpty {
                let valid = publicKey.isValidSignature(hex(test.sig!), for: .message(hex(test.msg!)), scheme: scheme)
                #expect(valid == (test.result == "valid"), "\(file) tcId \(test.tcId)")
                checked += 1
            }
        }
        #expect(checked > 50)
    }

    @Test(arguments: [
        ("ecdsa_secp256r1_sha256_test", AsymmetricKeyType.p256, SignatureScheme.ecdsa(.sha256)),
        ("ecdsa_secp384r1_sha384_test", .p384, .ecdsa(.sha384)), ("ecdsa_secp521r1_sha512_test", .p521, .ecdsa(.sha512)),
        ("ed25519_test", .ed25519, .ed25519),
        ("rsa_signature_2048_sha256_test", .rsa2048, .rsaPKCS1v15(.sha256)),
        ("rsa_pss_2048_sha256_mgf1_32_test", .rsa2048, .rsaPSS(.sha256)),
    ])
    func signatureVerification(_ file: String, _ type: AsymmetricKeyType, _ scheme: SignatureScheme) throws {
        try checkSignatures(file, type, scheme) { hex($0.publicKeyDer ?? $0.keyDer!) }
    }

    @Test(arguments: [
        ("mldsa_65_verify_test", AsymmetricKeyType.mlDSA65, OID.mlDSA65), ("mldsa_87_verify_test", .mlDSA87, OID.mlDSA87),
    ])
    func mlDSAVerification(_ file: String, _ type: AsymmetricKeyType, _ oid: [UInt8]) throws {
        try checkSignatures(file, type, .mlDSA) { group in
            guard case .hex(let raw) = group.publicKey else { return Data() }
            return DER.spki(oid: oid, publicKey: Array(hex(raw)))
        }
    }

    @Test(arguments: [("ecdh_secp256r1_test", AsymmetricKeyType.p256, 32), ("ecdh_secp384r1_test", .p384, 48)])
    func ecdh(_ file: String, _ type: AsymmetricKeyType, _ size: Int) throws {
        var checked = 0
        for group in try WycheproofFile.load(file).testGroups {
            for test in group.tests where test.result != "acceptable" {
                var scalar = [UInt8](hex(test.private!))
                while scalar.count > size, scalar.first == 0 { scalar.removeFirst() }
                scalar = [UInt8](repeating: 0, count: max(0, size - scalar.count)) + scalar
                let pkcs8 =
                    type == .p256
                    ? try P256.Signing.PrivateKey(rawRepresentation: scalar).derRepresentation
                    : try P384.Signing.PrivateKey(rawRepresentation: scalar).derRepresentation
                let key = try AsymmetricPrivateKey(type: type, encoded: SecretBytes(pkcs8))
                let secret = try? key.sharedSecret(withPeer: hex(test.public!))
                if test.result == "valid" {
                    #expect(secret?.bytes == hex(test.shared!), "\(file) tcId \(test.tcId)")
                } else {
                    #expect(secret == nil || secret?.bytes != hex(test.shared!), "\(file) tcId \(test.tcId)")
                }
                checked += 1
            }
        }
        #expect(checked > 100)
    }

    @Test(arguments: [
        ("rsa_oaep_2048_sha256_mgf1sha256_test", RSAPadding.oaepSHA256), ("rsa_oaep_2048_sha1_mgf1sha1_test", .oaepSHA1),
    ])
    func rsaOAEPDecryption(_ file: String, _ padding: RSAPadding) throws {
        var checked = 0
        for group in try WycheproofFile.load(file).testGroups {
            let key = try AsymmetricPrivateKey(type: .rsa2048, encoded: SecretBytes(hex(group.privateKeyPkcs8!)))
            // AWS KMS uses no OAEP label, and neither does TrentCrypto.
            for test in group.tests where test.result != "acceptable" && (test.label ?? "").isEmpty {
                let plaintext = try? key.decrypt(hex(test.ct!), padding: padding)
                if test.result == "valid" {
                    #expect(plaintext?.bytes == hex(test.msg!), "\(file) tcId \(test.tcId)")
                } else {
                    #expect(plaintext == nil, "\(file) tcId \(test.tcId)")
                }
                checked += 1
            }
        }
        #expect(checked > 10)
    }
}
