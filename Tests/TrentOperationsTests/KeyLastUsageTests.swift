import Foundation
import Testing
import TrentCore

@testable import TrentOperations

@Suite struct KeyLastUsageTests {
    let h = Harness()

    func lastUsage(_ id: String) async throws -> [String: Any] {
        try await h.call("GetKeyLastUsage", ["KeyId": id])["KeyLastUsage"] as! [String: Any]
    }

    @Test func anUnusedKeyHasAnEmptyUsageAndTracksFromItsCreation() async throws {
        let id = try await h.createKey()
        let reply = try await h.call("GetKeyLastUsage", ["KeyId": id])
        #expect(reply["KeyId"] as? String == id)
        #expect((reply["KeyLastUsage"] as? [String: Any])?.isEmpty == true)
        let created = try #require(reply["KeyCreationDate"] as? Double)
        #expect(reply["TrackingStartDate"] as? Double == created)
        // Management operations are not cryptographic use.
        try await h.call("DescribeKey", ["KeyId": id])
        try await h.call("UpdateKeyDescription", ["KeyId": id, "Description": "x"])
        #expect(try await lastUsage(id).isEmpty)
    }

    @Test func eachSuccessfulCryptographicOperationIsRecordedWithItsRequestAndEvent() async throws {
        let id = try await h.createKey()
        let body = try JSONSerialization.data(withJSONObject: ["KeyId": id, "Plaintext": Data("p".utf8).base64EncodedString()])
        let reply = await h.dispatcher.handle(
            target: "TrentService.Encrypt", body: body, caller: h.caller, requestID: "request-1", eventID: "event-1")
        #expect(reply.error == nil)
        var usage = try await lastUsage(id)
        #expect(usage["Operation"] as? String == "Encrypt")
        #expect(usage["KmsRequestId"] as? String == "request-1")
        #expect(usage["CloudTrailEventId"] as? String == "event-1")
        #expect(usage["Timestamp"] is Double)

        let blob = try JSONSerialization.jsonObject(with: reply.body) as! [String: Any]
        try await h.call("Decrypt", ["CiphertextBlob": blob["CiphertextBlob"]!])
        #expect(try await lastUsage(id)["Operation"] as? String == "Decrypt")

        // A dry run, a refused call and a failed verification are not uses.
        await #expect(throws: KMSError.self) {
            try await h.call("Encrypt", ["KeyId": id, "Plaintext": Data("p".utf8).base64EncodedString(), "DryRun": true])
        }
        await #expect(throws: KMSError.self) {
            try await h.call("Sign", ["KeyId": id, "Message": "bQ==", "SigningAlgorithm": "ECDSA_SHA_256"])
        }
        usage = try await lastUsage(id)
        #expect(usage["Operation"] as? String == "Decrypt")

        // Aliases are not accepted, as in AWS.
        try await h.call("CreateAlias", ["AliasName": "alias/used", "TargetKeyId": id])
        await #expect(throws: KMSError(.invalidArn, "")) { try await h.call("GetKeyLastUsage", ["KeyId": "alias/used"]) }
    }

    @Test func reEncryptRecordsBothKeysAndFlushingKeepsWhatWasNoted() async throws {
        let source = try await h.createKey()
        let destination = try await h.createKey()
        let blob = try await h.call("Encrypt", ["KeyId": source, "Plaintext": Data("p".utf8).base64EncodedString()])
        try await h.call("ReEncrypt", ["CiphertextBlob": blob["CiphertextBlob"]!, "DestinationKeyId": destination])
        #expect(try await lastUsage(source)["Operation"] as? String == "ReEncrypt")
        #expect(try await lastUsage(destination)["Operation"] as? String == "ReEncrypt")

        try await h.kms.flushUsage()
        let stored = try await h.kms.store.lastUsage(of: KeyIdentity(scope: h.caller.scope, id: KeyID(destination)!))
        #expect(stored?.operation == "ReEncrypt")
        #expect(try await lastUsage(destination)["Operation"] as? String == "ReEncrypt")
    }

    @Test func signVerifyAndMacsAreUses() async throws {
        let signing = try await h.createKey(["KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY"])
        let message = Data("m".utf8).base64EncodedString()
        let signed = try await h.call("Sign", ["KeyId": signing, "Message": message, "SigningAlgorithm": "ECDSA_SHA_256"])
        #expect(try await lastUsage(signing)["Operation"] as? String == "Sign")
        try await h.call(
            "Verify",
            ["KeyId": signing, "Message": message, "Signature": signed["Signature"]!, "SigningAlgorithm": "ECDSA_SHA_256"])
        #expect(try await lastUsage(signing)["Operation"] as? String == "Verify")
        try await h.call("GetPublicKey", ["KeyId": signing])
        #expect(try await lastUsage(signing)["Operation"] as? String == "Verify")  // GetPublicKey is not tracked

        let mac = try await h.createKey(["KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"])
        try await h.call("GenerateMac", ["KeyId": mac, "Message": message, "MacAlgorithm": "HMAC_SHA_256"])
        #expect(try await lastUsage(mac)["Operation"] as? String == "GenerateMac")
    }
}
