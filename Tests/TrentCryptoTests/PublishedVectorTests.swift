import Crypto
import Foundation
import Testing

@testable import TrentCrypto

/// Known-answer tests from pyca/cryptography's published vectors (vendored extracts in Vectors/): secp256k1 key
/// derivation and ECDSA-SHA-256 verification, and ML-DSA-44 key generation and verification with a context.
@Suite struct PublishedVectorTests {
    /// `key = value` blocks separated by blank lines, as NIST-style .txt and .rsp files lay them out.
    static func blocks(_ name: String, _ ext: String) throws -> [[String: String]] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Vectors"))
        // .rsp files start each entry with `count = n` and no blank line between entries.
        let text = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "\ncount = ", with: "\n\ncount = ")
        return text.components(separatedBy: "\n\n").compactMap { block in
            var fields: [String: String] = [:]
            for line in block.split(separator: "\n") where line.contains(" = ") {
                let parts = line.components(separatedBy: " = ")
                fields[parts[0].trimmingCharacters(in: .whitespaces)] = parts[1].trimmingCharacters(in: .whitespaces)
            }
            return fields.isEmpty ? nil : fields
        }
    }

    static func derInteger(_ bytes: Data) -> [UInt8] {
        var value = Array(bytes.drop { $0 == 0 })
        if value.isEmpty || value[0] & 0x80 != 0 { value.insert(0, at: 0) }
        return [0x02, UInt8(value.count)] + value
    }

    static func padded(_ hexString: String, to size: Int) -> Data {
        let bytes = hex(hexString.count % 2 == 1 ? "0" + hexString : hexString)
        return Data(repeating: 0, count: max(0, size - bytes.count)) + bytes
    }

    @Test func secp256k1KeysAndSignaturesMatchTheVectors() throws {
        let vectors = try Self.blocks("secp256k1_SigGen_SHA256_first15", "txt").filter { $0["Msg"] != nil }
        #expect(vectors.count == 15)
        for v in vectors {
            let (x, y) = (Self.padded(v["Qx"]!, to: 32), Self.padded(v["Qy"]!, to: 32))
            let spki = hex("3056301006072a8648ce3d020106052b8104000a034200") + [0x04] + x + y
            // The private scalar, as SEC1 DER, derives the vector's public point.
            let sec1: [UInt8] =
                [0x30, 0x2e, 0x02, 0x01, 0x01, 0x04, 0x20] + Self.padded(v["d"]!, to: 32)
                + [0xa0, 0x07, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a]
            let (type, pkcs8) = try LibCrypto.importPrivateKey(Data(sec1))
            #expect(type == .secp256k1)
            let key = try AsymmetricPrivateKey(type: .secp256k1, encoded: SecretBytes(pkcs8))
            #expect(try key.publicKeyDER() == spki)

            let body = Self.derInteger(Self.padded(v["R"]!, to: 32)) + Self.derInteger(Self.padded(v["S"]!, to: 32))
            let signature = Data([0x30, UInt8(body.count)] + body)
            let message = hex(v["Msg"]!)
            let publicKey = AsymmetricPublicKey(type: .secp256k1, der: spki)
            #expect(publicKey.isValidSignature(signature, for: .message(message), scheme: .ecdsa(.sha256)))
            #expect(
                publicKey.isValidSignature(
                    signature, for: .digest(Data(SHA256.hash(data: message))), scheme: .ecdsa(.sha256)))
            #expect(!publicKey.isValidSignature(signature, for: .message(message + [0]), scheme: .ecdsa(.sha256)))
            // And a signature Trent makes with the vector's key verifies under the vector's public point.
            let ours = try key.sign(.message(message), scheme: .ecdsa(.sha256))
            #expect(publicKey.isValidSignature(ours, for: .message(message), scheme: .ecdsa(.sha256)))
        }
    }

    @Test func mlDSA44KeyGenerationAndContextSignaturesMatchTheVectors() throws {
        let vectors = try Self.blocks("kat_MLDSA_44_det_pure_first10", "rsp").filter { $0["xi"] != nil }
        #expect(vectors.count == 10)
        for v in vectors {
            let publicKey = [UInt8](hex(v["pk"]!))
            #expect(try MLDSA.publicKey(.mlDSA44, seed: hex(v["xi"]!)) == publicKey, "count \(v["count"]!)")
            let signedMessage = [UInt8](hex(v["sm"]!))
            let message = [UInt8](hex(v["msg"]!))
            let signature = Array(signedMessage.prefix(signedMessage.count - message.count))
            #expect(Array(signedMessage.suffix(message.count)) == message)
            let context = [UInt8](hex(v["ctx"] ?? ""))
            let mu = MLDSAMuVerifier.mu(publicKey: publicKey, message: message, context: context)
            #expect(MLDSAMuVerifier.isValid(.mlDSA44, publicKey: publicKey, signature: signature, mu: mu))
            if !context.isEmpty {
                // Signed under a context: not a signature over the bare message as KMS signs them.
                let bare = MLDSAMuVerifier.mu(publicKey: publicKey, message: message)
                #expect(!MLDSAMuVerifier.isValid(.mlDSA44, publicKey: publicKey, signature: signature, mu: bare))
                #expect(!MLDSA.verify(.mlDSA44, publicKey: publicKey, signature: Data(signature), message: Data(message)))
            }
        }
    }

    struct SM2File: Decodable {
        struct Verify: Decodable {
            var digest: String
            var signature: String
        }
        struct Decrypt: Decodable {
            var ciphertext: String
            var plaintext: String
        }
        var privateKeyPem: String
        var verify: [Verify]
        var decrypt: Decrypt
    }

    @Test func sm2MatchesOpenSSLsVectors() throws {
        let url = try #require(
            Bundle.module.url(forResource: "openssl_evppkey_sm2", withExtension: "json", subdirectory: "Vectors"))
        let file = try JSONDecoder().decode(SM2File.self, from: Data(contentsOf: url))
        let key = try AsymmetricPrivateKey.importing(pem: file.privateKeyPem)
        #expect(key.type == .sm2)
        let publicKey = try key.publicKey
        for vector in file.verify {
            let (digest, signature) = (hex(vector.digest.lowercased()), hex(vector.signature.lowercased()))
            #expect(publicKey.isValidSignature(signature, for: .digest(digest), scheme: .sm2))
            var other = digest
            other[0] ^= 1
            #expect(!publicKey.isValidSignature(signature, for: .digest(other), scheme: .sm2))
        }
        let plaintext = try key.decrypt(hex(file.decrypt.ciphertext.lowercased()), padding: .oaepSHA256)
        #expect(plaintext.bytes == Data(file.decrypt.plaintext.utf8))
    }
}
