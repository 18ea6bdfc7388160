import Foundation
import Testing

@testable import TrentCrypto

func hex(_ s: String) -> Data {
    var data = Data()
    var chars = Array(s.utf8).makeIterator()
    while let a = chars.next(), let b = chars.next() { data.append(UInt8(String(decoding: [a, b], as: UTF8.self), radix: 16)!) }
    return data
}

@Suite struct AsymmetricKeyTests {
    @Test(arguments: AsymmetricKeyType.allCases)
    func everyTypeIsCreatable(_ type: AsymmetricKeyType) throws {
        let key = try AsymmetricPrivateKey.generate(type)
        #expect(key.type == type)
        #expect(try !key.publicKeyDER().isEmpty)
    }

    @Test(arguments: [
        (AsymmetricKeyType.rsa2048, SignatureScheme.rsaPSS(.sha256)), (.rsa3072, .rsaPSS(.sha384)), (.rsa4096, .rsaPSS(.sha512)),
        (.rsa2048, .rsaPKCS1v15(.sha256)), (.rsa2048, .rsaPKCS1v15(.sha384)), (.rsa2048, .rsaPKCS1v15(.sha512)),
        (.p256, .ecdsa(.sha256)), (.p384, .ecdsa(.sha384)), (.p521, .ecdsa(.sha512)), (.secp256k1, .ecdsa(.sha256)),
        (.sm2, .sm2), (.ed25519, .ed25519), (.mlDSA44, .mlDSA), (.mlDSA65, .mlDSA), (.mlDSA87, .mlDSA),
    ])
    func signsAndVerifiesMessages(_ type: AsymmetricKeyType, _ scheme: SignatureScheme) throws {
        let key = try AsymmetricPrivateKey.generate(type)
        let message = Data("a message to sign".utf8)
        let signature = try key.sign(.message(message), scheme: scheme)
        let publicKey = try key.publicKey
        #expect(publicKey.isValidSignature(signature, for: .message(message), scheme: scheme))
        #expect(!publicKey.isValidSignature(signature, for: .message(message + Data([0])), scheme: scheme))
        var broken = signature
        broken[broken.count / 2] ^= 1
        #expect(!publicKey.isValidSignature(broken, for: .message(message), scheme: scheme))
        // A key reloaded from its encoding is the same key.
        let reloaded = try AsymmetricPrivateKey(type: type, encoded: key.encoded)
        #expect(try reloaded.publicKeyDER() == key.publicKeyDER())
    }

    @Test(arguments: [
        (AsymmetricKeyType.rsa2048, SignatureScheme.rsaPSS(.sha256), HashFunction.sha256),
        (.rsa2048, .rsaPKCS1v15(.sha512), .sha512), (.p256, .ecdsa(.sha256), .sha256), (.p384, .ecdsa(.sha384), .sha384),
        (.secp256k1, .ecdsa(.sha256), .sha256),
    ])
    func digestSignaturesVerifyAsMessageSignatures(_ type: AsymmetricKeyType, _ scheme: SignatureScheme, _ hash: HashFunction)
        throws
    {
        let key = try AsymmetricPrivateKey.generate(type)
        let message = Data("digest me".utf8)
        let signature = try key.sign(.digest(hash.hash(message)), scheme: scheme)
        #expect(try key.publicKey.isValidSignature(signature, for: .message(message), scheme: scheme))
        let other = try key.sign(.message(message), scheme: scheme)
        #expect(try key.publicKey.isValidSignature(other, for: .digest(hash.hash(message)), scheme: scheme))
    }

    @Test func ed25519MatchesRFC8032TestVector1() throws {
        // RFC 8032 section 7.1, TEST 1 (empty message).
        let seed = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
        let pkcs8 = DER.pkcs8(oid: OID.ed25519, privateKey: DER.octetString(Array(seed)))
        let key = try AsymmetricPrivateKey(type: .ed25519, encoded: SecretBytes(pkcs8))
        let spki = try key.publicKeyDER()
        #expect(spki.suffix(32) == hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"))
        #expect(spki.prefix(12) == hex("302a300506032b6570032100"))
        let signature = try key.sign(.message(Data()), scheme: .ed25519)
        #expect(
            signature
                == hex(
                    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
                ))
    }

    @Test func ed25519phMatchesRFC8032TestVector() throws {
        // RFC 8032 section 7.3, TEST abc.
        let seed = hex("833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42")
        let key = try AsymmetricPrivateKey(
            type: .ed25519, encoded: SecretBytes(DER.pkcs8(oid: OID.ed25519, privateKey: DER.octetString(Array(seed)))))
        #expect(try key.publicKeyDER().suffix(32) == hex("ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf"))
        let signature = try key.sign(.message(Data("abc".utf8)), scheme: .ed25519ph)
        #expect(
            signature
                == hex(
                    "98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae4131f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406"
                ))
        #expect(try key.publicKey.isValidSignature(signature, for: .message(Data("abc".utf8)), scheme: .ed25519ph))
        #expect(try !key.publicKey.isValidSignature(signature, for: .message(Data("abd".utf8)), scheme: .ed25519ph))
        // A plain Ed25519 signature is not an Ed25519ph one.
        let plain = try key.sign(.message(Data("abc".utf8)), scheme: .ed25519)
        #expect(try !key.publicKey.isValidSignature(plain, for: .message(Data("abc".utf8)), scheme: .ed25519ph))
    }

    @Test(arguments: [AsymmetricKeyType.rsa2048, .rsa3072, .rsa4096])
    func rsaOAEPRoundTripsWithinAWSLimits(_ type: AsymmetricKeyType) throws {
        let key = try AsymmetricPrivateKey.generate(type)
        let publicKey = try key.publicKey
        for padding in [RSAPadding.oaepSHA1, .oaepSHA256] {
            let limit = try #require(publicKey.maximumPlaintext(padding: padding))
            let plaintext = Data(repeating: 7, count: limit)
            let ciphertext = try publicKey.encrypt(plaintext, padding: padding)
            #expect(try key.decrypt(ciphertext, padding: padding).bytes == plaintext)
            #expect(throws: AsymmetricFailure.rejected) {
                try key.decrypt(ciphertext, padding: padding == .oaepSHA1 ? .oaepSHA256 : .oaepSHA1)
            }
        }
        #expect(try publicKey.maximumPlaintext(padding: .oaepSHA1) == [2048: 214, 3072: 342, 4096: 470][type.rsaBits!])
        #expect(try publicKey.maximumPlaintext(padding: .oaepSHA256) == [2048: 190, 3072: 318, 4096: 446][type.rsaBits!])
    }

    @Test func sm2EncryptionRoundTrips() throws {
        let key = try AsymmetricPrivateKey.generate(.sm2)
        let ciphertext = try key.publicKey.encrypt(Data("sm2 secret".utf8), padding: .oaepSHA256)
        #expect(try key.decrypt(ciphertext, padding: .oaepSHA256).bytes == Data("sm2 secret".utf8))
    }

    @Test(arguments: [AsymmetricKeyType.p256, .p384, .p521, .sm2])
    func ecdhAgreesOnBothSides(_ type: AsymmetricKeyType) throws {
        let a = try AsymmetricPrivateKey.generate(type), b = try AsymmetricPrivateKey.generate(type)
        let ab = try a.sharedSecret(withPeer: b.publicKeyDER())
        let ba = try b.sharedSecret(withPeer: a.publicKeyDER())
        #expect(ab == ba)
        #expect(ab.count == [.p256: 32, .p384: 48, .p521: 66, .sm2: 32][type])
        let other = try AsymmetricPrivateKey.generate(type == .p256 ? .p384 : .p256)
        #expect(throws: AsymmetricFailure.self) { try a.sharedSecret(withPeer: other.publicKeyDER()) }
    }

    @Test func garbageKeysAreRefused() {
        for type in AsymmetricKeyType.allCases {
            #expect(throws: AsymmetricFailure.self) {
                try AsymmetricPrivateKey(type: type, encoded: SecretBytes(Data([1, 2, 3])))
            }
        }
        #expect(
            !AsymmetricPublicKey(type: .p256, der: Data([0x30, 0])).isValidSignature(
                Data(), for: .message(Data()), scheme: .ecdsa(.sha256)))
    }

    @Test func aKeyOfAnotherTypeIsRefused() throws {
        let rsa = try AsymmetricPrivateKey.generate(.rsa2048)
        #expect(throws: AsymmetricFailure.self) { try AsymmetricPrivateKey(type: .rsa3072, encoded: rsa.encoded) }
        let p256 = try AsymmetricPrivateKey.generate(.p256)
        #expect(throws: AsymmetricFailure.self) { try AsymmetricPrivateKey(type: .secp256k1, encoded: p256.encoded) }
    }
}

@Suite struct MACTests {
    // RFC 4231, test case 1.
    let key = SecretBytes(Data(repeating: 0x0b, count: 20))
    let message = Data("Hi There".utf8)

    @Test func matchesRFC4231TestCase1() {
        #expect(
            MACAlgorithm.hmacSHA224.authenticate(message, key: key)
                == hex("896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22"))
        #expect(
            MACAlgorithm.hmacSHA256.authenticate(message, key: key)
                == hex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"))
        #expect(
            MACAlgorithm.hmacSHA384.authenticate(message, key: key)
                == hex(
                    "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6"))
        #expect(
            MACAlgorithm.hmacSHA512.authenticate(message, key: key)
                == hex(
                    "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"
                ))
    }

    @Test func verificationRefusesAnyOtherMac() {
        let mac = MACAlgorithm.hmacSHA256.authenticate(message, key: key)
        #expect(MACAlgorithm.hmacSHA256.verify(mac, for: message, key: key))
        #expect(!MACAlgorithm.hmacSHA256.verify(mac.dropLast(), for: message, key: key))
        var changed = mac
        changed[0] ^= 1
        #expect(!MACAlgorithm.hmacSHA256.verify(changed, for: message, key: key))
    }
}
