import Crypto
import Foundation
import Testing
import _CryptoExtras

@testable import TrentCrypto

/// ML-DSA-44 (BoringSSL as swift-crypto vendors it) and the hand-written verification over a caller's μ, against
/// Wycheproof's vectors and against swift-crypto's own ML-DSA-65/87.
@Suite struct MLDSATests {
    struct SignSeedFile: Decodable {
        struct Group: Decodable {
            var privateSeed: String
            var publicKey: String
            var tests: [Case]
        }
        struct Case: Decodable {
            var tcId: Int
            var msg: String
            var mu: String
            var sig: String
        }
        var testGroups: [Group]
    }

    @Test func mlDSA44MatchesWycheproofKeyGenerationMuAndSignature() throws {
        let url = try #require(
            Bundle.module.url(forResource: "mldsa_44_sign_seed_extract", withExtension: "json", subdirectory: "Wycheproof"))
        let file = try JSONDecoder().decode(SignSeedFile.self, from: Data(contentsOf: url))
        let group = try #require(file.testGroups.first)
        let test = try #require(group.tests.first)
        let seed = hex(group.privateSeed)
        let expectedPublicKey = [UInt8](hex(group.publicKey))
        let (message, mu, signature) = (hex(test.msg), [UInt8](hex(test.mu)), hex(test.sig))

        #expect(try MLDSA.publicKey(.mlDSA44, seed: seed) == expectedPublicKey)
        let key = try AsymmetricPrivateKey(type: .mlDSA44, encoded: SecretBytes(seed))
        #expect(try key.publicKeyDER() == DER.spki(oid: OID.mlDSA44, publicKey: expectedPublicKey))
        #expect(MLDSAMuVerifier.mu(publicKey: expectedPublicKey, message: Array(message)) == mu)

        let publicKey = try key.publicKey
        #expect(publicKey.isValidSignature(signature, for: .message(message), scheme: .mlDSA))
        #expect(publicKey.isValidSignature(signature, for: .externalMu(Data(mu)), scheme: .mlDSA))
        var broken = signature
        broken[100] ^= 0x01
        #expect(!publicKey.isValidSignature(broken, for: .message(message), scheme: .mlDSA))
        #expect(!publicKey.isValidSignature(broken, for: .externalMu(Data(mu)), scheme: .mlDSA))
        var otherMu = mu
        otherMu[0] ^= 0x80
        #expect(!publicKey.isValidSignature(signature, for: .externalMu(Data(otherMu)), scheme: .mlDSA))
    }

    /// Every Wycheproof ML-DSA-65/87 verification case, valid or invalid, through the μ its message and context
    /// imply: the μ verifier must agree with Wycheproof's verdict.
    @Test(arguments: [("mldsa_65_verify_test", AsymmetricKeyType.mlDSA65), ("mldsa_87_verify_test", .mlDSA87)])
    func muVerifierAgreesWithWycheproof(_ file: String, _ type: AsymmetricKeyType) throws {
        var checked = 0
        for group in try WycheproofFile.load(file).testGroups {
            guard case .hex(let raw) = group.publicKey else { continue }
            let publicKey = [UInt8](hex(raw))
            for test in group.tests where test.result != "acceptable" {
                let context = [UInt8](hex(test.ctx ?? ""))
                let valid =
                    context.count <= 255
                    && MLDSAMuVerifier.isValid(
                        type, publicKey: publicKey, signature: Array(hex(test.sig!)),
                        mu: MLDSAMuVerifier.mu(publicKey: publicKey, message: Array(hex(test.msg!)), context: context))
                #expect(valid == (test.result == "valid"), "\(file) tcId \(test.tcId)")
                checked += 1
            }
        }
        #expect(checked > 50)
    }

    @Test(arguments: [AsymmetricKeyType.mlDSA44, .mlDSA65, .mlDSA87])
    func signsOverMuAndVerifiesEitherWay(_ type: AsymmetricKeyType) throws {
        let key = try AsymmetricPrivateKey.generate(type)
        #expect(key.encoded.bytes.count == 32)
        let publicKey = try key.publicKey
        let raw = try #require(DER.parseSPKI(publicKey.der)).key
        let message = Data("a message whose mu the caller computes".utf8)
        let mu = Data(MLDSAMuVerifier.mu(publicKey: raw, message: Array(message)))

        // Signed over μ, verified over the message (BoringSSL computes μ itself) and over μ (by hand).
        let overMu = try key.sign(.externalMu(mu), scheme: .mlDSA)
        #expect(publicKey.isValidSignature(overMu, for: .message(message), scheme: .mlDSA))
        #expect(publicKey.isValidSignature(overMu, for: .externalMu(mu), scheme: .mlDSA))
        // Signed over the message, verified over μ.
        let overMessage = try key.sign(.message(message), scheme: .mlDSA)
        #expect(publicKey.isValidSignature(overMessage, for: .externalMu(mu), scheme: .mlDSA))
        #expect(!publicKey.isValidSignature(overMessage, for: .externalMu(Data(repeating: 0, count: 64)), scheme: .mlDSA))
        #expect(throws: AsymmetricFailure.self) { try key.sign(.externalMu(Data(count: 63)), scheme: .mlDSA) }

        // swift-crypto's own ML-DSA-65/87 agree on the public key and accept the signature made over μ.
        switch type {
        case .mlDSA65:
            let theirs = try MLDSA65.PrivateKey(seedRepresentation: key.encoded.bytes, publicKey: nil).publicKey
            #expect(Array(theirs.rawRepresentation) == raw)
            #expect(theirs.isValidSignature(overMu, for: message))
        case .mlDSA87:
            let theirs = try MLDSA87.PrivateKey(seedRepresentation: key.encoded.bytes, publicKey: nil).publicKey
            #expect(Array(theirs.rawRepresentation) == raw)
            #expect(theirs.isValidSignature(overMu, for: message))
        default:
            #expect(try MLDSA.publicKey(.mlDSA44, seed: key.encoded.bytes) == raw)
        }
    }

    @Test func muVerifierRefusesMalformedInput() throws {
        let key = try AsymmetricPrivateKey.generate(.mlDSA44)
        let raw = try #require(DER.parseSPKI(try key.publicKeyDER())).key
        let mu = MLDSAMuVerifier.mu(publicKey: raw, message: [1, 2, 3])
        let signature = try Array(key.sign(.externalMu(Data(mu)), scheme: .mlDSA))
        #expect(MLDSAMuVerifier.isValid(.mlDSA44, publicKey: raw, signature: signature, mu: mu))
        #expect(!MLDSAMuVerifier.isValid(.mlDSA44, publicKey: raw, signature: signature.dropLast(), mu: mu))
        #expect(!MLDSAMuVerifier.isValid(.mlDSA44, publicKey: raw.dropLast(), signature: signature, mu: mu))
        #expect(!MLDSAMuVerifier.isValid(.mlDSA44, publicKey: raw, signature: signature, mu: mu.dropLast()))
        #expect(!MLDSAMuVerifier.isValid(.mlDSA65, publicKey: raw, signature: signature, mu: mu))
        #expect(!MLDSAMuVerifier.isValid(.p256, publicKey: raw, signature: signature, mu: mu))
        // A hint count past ω, and hint indices out of order, are malformed encodings.
        var tooManyHints = signature
        tooManyHints[signature.count - 1] = 81
        #expect(!MLDSAMuVerifier.isValid(.mlDSA44, publicKey: raw, signature: tooManyHints, mu: mu))
    }

    @Test func nttRoundTripsAndMatchesSchoolbookMultiplication() {
        let q = MLDSAMuVerifier.q
        let a = (0..<256).map { Int64(($0 * 7919 + 13) % Int(q)) }
        let b = (0..<256).map { Int64(($0 * 104_729 + 5) % Int(q)) }
        #expect(MLDSAMuVerifier.inverseNTT(MLDSAMuVerifier.ntt(a)) == a)
        // In Z_q[X]/(X^256 + 1): NTT⁻¹(NTT(a) ∘ NTT(b)) is the negacyclic product.
        var product = [Int64](repeating: 0, count: 256)
        for i in 0..<256 {
            for j in 0..<256 {
                let term = a[i] * b[j] % q
                if i + j < 256 {
                    product[i + j] = (product[i + j] + term) % q
                } else {
                    product[i + j - 256] = (product[i + j - 256] - term + q) % q
                }
            }
        }
        let (aHat, bHat) = (MLDSAMuVerifier.ntt(a), MLDSAMuVerifier.ntt(b))
        #expect(MLDSAMuVerifier.inverseNTT((0..<256).map { aHat[$0] * bHat[$0] % q }) == product)
    }
}
