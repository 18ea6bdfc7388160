import Foundation
import Testing
import TrentCore

@testable import TrentOperations

@Suite struct AsymmetricOperationTests {
    let h = Harness()

    static let signingSpecs: [(String, [String])] = [
        ("RSA_2048", ["RSASSA_PSS_SHA_256", "RSASSA_PKCS1_V1_5_SHA_512"]), ("ECC_NIST_P256", ["ECDSA_SHA_256"]),
        ("ECC_NIST_P384", ["ECDSA_SHA_384"]), ("ECC_NIST_P521", ["ECDSA_SHA_512"]), ("ECC_SECG_P256K1", ["ECDSA_SHA_256"]),
        ("ECC_NIST_EDWARDS25519", ["ED25519_SHA_512"]), ("SM2", ["SM2DSA"]), ("ML_DSA_44", ["ML_DSA_SHAKE_256"]),
        ("ML_DSA_65", ["ML_DSA_SHAKE_256"]), ("ML_DSA_87", ["ML_DSA_SHAKE_256"]),
    ]

    @Test(arguments: signingSpecs)
    func signAndVerify(_ spec: String, _ algorithms: [String]) async throws {
        let id = try await h.createKey(["KeySpec": spec, "KeyUsage": "SIGN_VERIFY"])
        let metadata = try await h.describe(id)
        #expect(metadata["KeySpec"] as? String == spec)
        #expect((metadata["SigningAlgorithms"] as? [String])?.isEmpty == false)
        #expect(metadata["EncryptionAlgorithms"] == nil)
        let message = Data("sign me".utf8).b64
        for algorithm in algorithms {
            let signed = try await h.call("Sign", ["KeyId": id, "Message": message, "SigningAlgorithm": algorithm])
            #expect(signed["SigningAlgorithm"] as? String == algorithm)
            let verified = try await h.call(
                "Verify",
                [
                    "KeyId": id, "Message": message, "Signature": signed["Signature"]!, "SigningAlgorithm": algorithm,
                ])
            #expect(verified["SignatureValid"] as? Bool == true)
            await #expect(throws: KMSError(.invalidSignatureValue, "")) {
                try await h.call(
                    "Verify",
                    [
                        "KeyId": id, "Message": Data("other".utf8).b64, "Signature": signed["Signature"]!,
                        "SigningAlgorithm": algorithm,
                    ])
            }
        }
        let publicKey = try await h.call("GetPublicKey", ["KeyId": id])
        #expect(publicKey["KeyUsage"] as? String == "SIGN_VERIFY")
        #expect(blob(publicKey["PublicKey"]).first == 0x30)
    }

    @Test func digestMessagesMustHaveTheAlgorithmsLength() async throws {
        let id = try await h.createKey(["KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY"])
        await #expect(throws: KMSError(.validation, "")) {
            try await h.call(
                "Sign",
                ["KeyId": id, "Message": Data(count: 31).b64, "MessageType": "DIGEST", "SigningAlgorithm": "ECDSA_SHA_256"])
        }
        let signed = try await h.call(
            "Sign",
            [
                "KeyId": id, "Message": Data(count: 32).b64, "MessageType": "DIGEST", "SigningAlgorithm": "ECDSA_SHA_256",
            ])
        #expect(blob(signed["Signature"]).count > 60)
        await #expect(throws: KMSError(.validation, "")) {
            try await h.call(
                "Sign",
                ["KeyId": id, "Message": Data(count: 64).b64, "MessageType": "EXTERNAL_MU", "SigningAlgorithm": "ECDSA_SHA_256"])
        }
    }

    /// AWS's MessageType rules for Ed25519: the pure algorithm signs RAW messages only, the prehash one a 64-byte
    /// DIGEST only (which it still hashes, as HashEdDSA does).
    @Test func ed25519MessageTypes() async throws {
        let id = try await h.createKey(["KeySpec": "ECC_NIST_EDWARDS25519", "KeyUsage": "SIGN_VERIFY"])
        let digest = Data(repeating: 7, count: 64).b64
        for (message, type, algorithm) in [
            (Data("m".utf8).b64, "RAW", "ED25519_PH_SHA_512"), (digest, "DIGEST", "ED25519_SHA_512"),
            (Data(count: 32).b64, "DIGEST", "ED25519_PH_SHA_512"), (digest, "EXTERNAL_MU", "ED25519_PH_SHA_512"),
        ] {
            await #expect(throws: KMSError(.validation, ""), "\(type) \(algorithm)") {
                try await h.call(
                    "Sign", ["KeyId": id, "Message": message, "MessageType": type, "SigningAlgorithm": algorithm])
            }
        }
        let request: [String: Any] = [
            "KeyId": id, "Message": digest, "MessageType": "DIGEST", "SigningAlgorithm": "ED25519_PH_SHA_512",
        ]
        let signed = try await h.call("Sign", request)
        var verify = request
        verify["Signature"] = signed["Signature"]!
        #expect(try await h.call("Verify", verify)["SignatureValid"] as? Bool == true)
    }

    @Test(arguments: ["ML_DSA_44", "ML_DSA_65", "ML_DSA_87"])
    func mlDSAExternalMu(_ spec: String) async throws {
        let id = try await h.createKey(["KeySpec": spec, "KeyUsage": "SIGN_VERIFY"])
        let mu = Data((0..<64).map { UInt8($0) }).b64
        let request: [String: Any] = [
            "KeyId": id, "Message": mu, "MessageType": "EXTERNAL_MU", "SigningAlgorithm": "ML_DSA_SHAKE_256",
        ]
        let signed = try await h.call("Sign", request)
        var verify = request
        verify["Signature"] = signed["Signature"]!
        #expect(try await h.call("Verify", verify)["SignatureValid"] as? Bool == true)
        verify["Message"] = Data(repeating: 1, count: 64).b64
        await #expect(throws: KMSError(.invalidSignatureValue, "")) { try await h.call("Verify", verify) }
        var short = request
        short["Message"] = Data(count: 32).b64
        await #expect(throws: KMSError(.validation, "")) { try await h.call("Sign", short) }
    }

    @Test func wrongUsageOrAlgorithmIsInvalidKeyUsage() async throws {
        let symmetric = try await h.createKey()
        let signing = try await h.createKey(["KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY"])
        let message = Data("m".utf8).b64
        await #expect(throws: KMSError(.invalidKeyUsage, "")) {
            try await h.call("Sign", ["KeyId": symmetric, "Message": message, "SigningAlgorithm": "ECDSA_SHA_256"])
        }
        await #expect(throws: KMSError(.invalidKeyUsage, "")) {
            try await h.call("Sign", ["KeyId": signing, "Message": message, "SigningAlgorithm": "ECDSA_SHA_384"])
        }
        await #expect(throws: KMSError(.invalidKeyUsage, "")) {
            try await h.call("Encrypt", ["KeyId": signing, "Plaintext": message])
        }
        await #expect(throws: KMSError(.unsupportedOperation, "")) { try await h.call("GetPublicKey", ["KeyId": symmetric]) }
        await #expect(throws: KMSError(.invalidKeyUsage, "")) {
            try await h.call("GenerateMac", ["KeyId": signing, "Message": message, "MacAlgorithm": "HMAC_SHA_256"])
        }
    }

    @Test func rsaEncryptionNeedsItsAlgorithmAndRespectsLimits() async throws {
        let id = try await h.createKey(["KeySpec": "RSA_2048", "KeyUsage": "ENCRYPT_DECRYPT"])
        await #expect(throws: KMSError(.invalidKeyUsage, "")) {
            try await h.call("Encrypt", ["KeyId": id, "Plaintext": Data("x".utf8).b64])
        }
        await #expect(throws: KMSError(.validation, "")) {
            try await h.call(
                "Encrypt", ["KeyId": id, "Plaintext": Data(count: 191).b64, "EncryptionAlgorithm": "RSAES_OAEP_SHA_256"])
        }
        await #expect(throws: KMSError(.validation, "")) {
            try await h.call(
                "Encrypt",
                [
                    "KeyId": id, "Plaintext": Data("x".utf8).b64, "EncryptionAlgorithm": "RSAES_OAEP_SHA_256",
                    "EncryptionContext": ["a": "b"],
                ])
        }
        let plaintext = Data(repeating: 1, count: 190)
        let out = try await h.call(
            "Encrypt", ["KeyId": id, "Plaintext": plaintext.b64, "EncryptionAlgorithm": "RSAES_OAEP_SHA_256"])
        let back = try await h.call(
            "Decrypt",
            [
                "KeyId": id, "CiphertextBlob": out["CiphertextBlob"]!, "EncryptionAlgorithm": "RSAES_OAEP_SHA_256",
            ])
        #expect(blob(back["Plaintext"]) == plaintext)
        await #expect(throws: KMSError(.invalidCiphertext, "")) {
            try await h.call(
                "Decrypt", ["KeyId": id, "CiphertextBlob": out["CiphertextBlob"]!, "EncryptionAlgorithm": "RSAES_OAEP_SHA_1"])
        }
        // Into a symmetric key and back out with ReEncrypt.
        let symmetric = try await h.createKey()
        let moved = try await h.call(
            "ReEncrypt",
            [
                "CiphertextBlob": out["CiphertextBlob"]!, "SourceKeyId": id, "SourceEncryptionAlgorithm": "RSAES_OAEP_SHA_256",
                "DestinationKeyId": symmetric,
            ])
        #expect(moved["SourceEncryptionAlgorithm"] as? String == "RSAES_OAEP_SHA_256")
        #expect(blob(try await h.call("Decrypt", ["CiphertextBlob": moved["CiphertextBlob"]!])["Plaintext"]) == plaintext)
    }

    @Test(arguments: [
        ("HMAC_224", "HMAC_SHA_224"), ("HMAC_256", "HMAC_SHA_256"), ("HMAC_384", "HMAC_SHA_384"), ("HMAC_512", "HMAC_SHA_512"),
    ])
    func macsVerifyAndMismatchesAreRefused(_ spec: String, _ algorithm: String) async throws {
        let id = try await h.createKey(["KeySpec": spec, "KeyUsage": "GENERATE_VERIFY_MAC"])
        #expect(try await h.describe(id)["MacAlgorithms"] as? [String] == [algorithm])
        let message = Data("mac me".utf8).b64
        let mac = try await h.call("GenerateMac", ["KeyId": id, "Message": message, "MacAlgorithm": algorithm])["Mac"]!
        let ok = try await h.call("VerifyMac", ["KeyId": id, "Message": message, "MacAlgorithm": algorithm, "Mac": mac])
        #expect(ok["MacValid"] as? Bool == true)
        await #expect(throws: KMSError(.invalidMac, "")) {
            try await h.call("VerifyMac", ["KeyId": id, "Message": Data("x".utf8).b64, "MacAlgorithm": algorithm, "Mac": mac])
        }
    }

    @Test func updateAliasKeepsTypeAndUsageAcrossFamilies() async throws {
        let symmetric = try await h.createKey()
        let rsaEncrypt = try await h.createKey(["KeySpec": "RSA_2048", "KeyUsage": "ENCRYPT_DECRYPT"])
        let rsaSign = try await h.createKey(["KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY"])
        let ecSign = try await h.createKey(["KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY"])
        let hmac = try await h.createKey(["KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"])
        try await h.call("CreateAlias", ["AliasName": "alias/signer", "TargetKeyId": rsaSign])
        try await h.call("UpdateAlias", ["AliasName": "alias/signer", "TargetKeyId": ecSign])
        for other in [symmetric, rsaEncrypt, hmac] {
            await #expect(throws: KMSError(.validation, "")) {
                try await h.call("UpdateAlias", ["AliasName": "alias/signer", "TargetKeyId": other])
            }
        }
    }

    @Test(arguments: ["ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "SM2"])
    func keyAgreementMatchesThePeersSide(_ spec: String) async throws {
        let a = try await h.createKey(["KeySpec": spec, "KeyUsage": "KEY_AGREEMENT"])
        let b = try await h.createKey(["KeySpec": spec, "KeyUsage": "KEY_AGREEMENT"])
        let publicA = try await h.call("GetPublicKey", ["KeyId": a])["PublicKey"]!
        let publicB = try await h.call("GetPublicKey", ["KeyId": b])["PublicKey"]!
        let ab = try await h.call("DeriveSharedSecret", ["KeyId": a, "KeyAgreementAlgorithm": "ECDH", "PublicKey": publicB])
        let ba = try await h.call("DeriveSharedSecret", ["KeyId": b, "KeyAgreementAlgorithm": "ECDH", "PublicKey": publicA])
        #expect(ab["SharedSecret"] as? String == ba["SharedSecret"] as? String)
        await #expect(throws: KMSError(.validation, "")) {
            try await h.call("DeriveSharedSecret", ["KeyId": a, "KeyAgreementAlgorithm": "ECDH", "PublicKey": Data([1, 2]).b64])
        }
    }

    @Test(arguments: ["RSA_2048", "ECC_NIST_P256", "ECC_NIST_P521", "ECC_SECG_P256K1", "SM2", "ECC_NIST_EDWARDS25519"])
    func dataKeyPairsDecryptToTheirPrivateKey(_ spec: String) async throws {
        let id = try await h.createKey()
        let pair = try await h.call("GenerateDataKeyPair", ["KeyId": id, "KeyPairSpec": spec, "EncryptionContext": ["p": "1"]])
        #expect(pair["KeyPairSpec"] as? String == spec)
        let back = try await h.call(
            "Decrypt", ["CiphertextBlob": pair["PrivateKeyCiphertextBlob"]!, "EncryptionContext": ["p": "1"]])
        #expect(back["Plaintext"] as? String == pair["PrivateKeyPlaintext"] as? String)
        let without = try await h.call("GenerateDataKeyPairWithoutPlaintext", ["KeyId": id, "KeyPairSpec": spec])
        #expect(without["PrivateKeyPlaintext"] == nil)
        #expect(without["PublicKey"] is String)
    }
}
