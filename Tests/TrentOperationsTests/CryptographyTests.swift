import Foundation
import Testing
import TrentCore

@testable import TrentOperations

@Suite struct CryptographyTests {
    let h = Harness()

    @Test func encryptDecryptRoundTripNeedsNoKeyId() async throws {
        let id = try await h.createKey()
        let plaintext = Data((0..<4096).map { UInt8($0 % 251) })
        let out = try await h.call(
            "Encrypt", ["KeyId": id, "Plaintext": plaintext.b64, "EncryptionContext": ["purpose": "test"]])
        #expect(out["EncryptionAlgorithm"] as? String == "SYMMETRIC_DEFAULT")
        let back = try await h.call(
            "Decrypt", ["CiphertextBlob": out["CiphertextBlob"]!, "EncryptionContext": ["purpose": "test"]])
        #expect(blob(back["Plaintext"]) == plaintext)
        #expect(back["KeyId"] as? String == out["KeyId"] as? String)
        await #expect(throws: KMSError(.validation, "")) {
            try await h.call("Encrypt", ["KeyId": id, "Plaintext": Data(count: 4097).b64])
        }
    }

    @Test func encryptionContextIsBound() async throws {
        let id = try await h.createKey()
        let out = try await h.call(
            "Encrypt", ["KeyId": id, "Plaintext": Data("x".utf8).b64, "EncryptionContext": ["a": "1", "b": "2"]])
        let ct = out["CiphertextBlob"]!
        // The order of pairs does not matter …
        _ = try await h.call("Decrypt", ["CiphertextBlob": ct, "EncryptionContext": ["b": "2", "a": "1"]])
        // … but a missing, extra or changed pair does.
        for context: [String: String] in [
            [:], ["a": "1"], ["a": "1", "b": "2", "c": "3"], ["a": "1", "b": "3"], ["a": "1", "B": "2"],
        ] {
            await #expect(throws: KMSError(.invalidCiphertext, "")) {
                try await h.call("Decrypt", ["CiphertextBlob": ct, "EncryptionContext": context])
            }
        }
    }

    @Test func anyChangedByteIsInvalidCiphertext() async throws {
        let id = try await h.createKey()
        let ct = blob(try await h.call("Encrypt", ["KeyId": id, "Plaintext": Data("secret".utf8).b64])["CiphertextBlob"])
        for index in ct.indices {
            var copy = ct
            copy[index] ^= 0x80
            await #expect(throws: KMSError(.invalidCiphertext, "")) { try await h.call("Decrypt", ["CiphertextBlob": copy.b64]) }
        }
        for cut in [1, 10, ct.count - 1] {
            await #expect(throws: KMSError(.invalidCiphertext, "")) {
                try await h.call("Decrypt", ["CiphertextBlob": ct.prefix(cut).b64])
            }
        }
    }

    @Test func aDifferentKeyIdIsIncorrectKey() async throws {
        let a = try await h.createKey(), b = try await h.createKey()
        let ct = try await h.call("Encrypt", ["KeyId": a, "Plaintext": Data("x".utf8).b64])["CiphertextBlob"]!
        await #expect(throws: KMSError(.incorrectKey, "")) { try await h.call("Decrypt", ["CiphertextBlob": ct, "KeyId": b]) }
        _ = try await h.call("Decrypt", ["CiphertextBlob": ct, "KeyId": a])
    }

    @Test func anotherAccountCannotDecrypt() async throws {
        let id = try await h.createKey()
        let ct = try await h.call("Encrypt", ["KeyId": id, "Plaintext": Data("x".utf8).b64])["CiphertextBlob"]!
        // The default key policy trusts only the key's account.
        await #expect(throws: KMSError(.accessDenied, "")) {
            try await h.as(account: "444455556666").call("Decrypt", ["CiphertextBlob": ct])
        }
    }

    @Test func dataKeysDecryptToTheirPlaintext() async throws {
        let id = try await h.createKey()
        for input: [String: Any] in [
            ["KeySpec": "AES_256"], ["KeySpec": "AES_128"], ["NumberOfBytes": 1], ["NumberOfBytes": 1024],
        ] {
            var request = input
            request["KeyId"] = id
            let out = try await h.call("GenerateDataKey", request)
            let expected = (input["NumberOfBytes"] as? Int) ?? (input["KeySpec"] as? String == "AES_128" ? 16 : 32)
            #expect(blob(out["Plaintext"]).count == expected)
            let back = try await h.call("Decrypt", ["CiphertextBlob": out["CiphertextBlob"]!])
            #expect(back["Plaintext"] as? String == out["Plaintext"] as? String)
        }
        let without = try await h.call("GenerateDataKeyWithoutPlaintext", ["KeyId": id, "KeySpec": "AES_256"])
        #expect(without["Plaintext"] == nil)
        #expect(blob(try await h.call("Decrypt", ["CiphertextBlob": without["CiphertextBlob"]!])["Plaintext"]).count == 32)
        await #expect(throws: KMSError(.validation, "")) { try await h.call("GenerateDataKey", ["KeyId": id]) }
        await #expect(throws: KMSError(.validation, "")) {
            try await h.call("GenerateDataKey", ["KeyId": id, "KeySpec": "AES_256", "NumberOfBytes": 32])
        }
        await #expect(throws: KMSError(.validation, "")) {
            try await h.call("GenerateDataKey", ["KeyId": id, "NumberOfBytes": 1025])
        }
    }

    @Test func reEncryptMovesCiphertextBetweenKeysAndContexts() async throws {
        let a = try await h.createKey(), b = try await h.createKey()
        let ct = try await h.call(
            "Encrypt", ["KeyId": a, "Plaintext": Data("move me".utf8).b64, "EncryptionContext": ["x": "1"]])["CiphertextBlob"]!
        let out = try await h.call(
            "ReEncrypt",
            [
                "CiphertextBlob": ct, "SourceEncryptionContext": ["x": "1"], "DestinationKeyId": b,
                "DestinationEncryptionContext": ["y": "2"],
            ])
        #expect((out["SourceKeyId"] as! String).hasSuffix(a))
        #expect((out["KeyId"] as! String).hasSuffix(b))
        let back = try await h.call("Decrypt", ["CiphertextBlob": out["CiphertextBlob"]!, "EncryptionContext": ["y": "2"]])
        #expect(blob(back["Plaintext"]) == Data("move me".utf8))
    }

    @Test func generateRandomHonoursItsRange() async throws {
        #expect(blob(try await h.call("GenerateRandom", ["NumberOfBytes": 1024])["Plaintext"]).count == 1024)
        await #expect(throws: KMSError(.validation, "")) { try await h.call("GenerateRandom", ["NumberOfBytes": 0]) }
        await #expect(throws: KMSError(.validation, "")) { try await h.call("GenerateRandom", ["NumberOfBytes": 1025]) }
    }
}
