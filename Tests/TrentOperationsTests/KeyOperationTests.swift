import Foundation
import Testing
import TrentCore

@testable import TrentOperations

@Suite struct KeyOperationTests {
    let h = Harness()

    @Test func createKeyDescribesASymmetricKey() async throws {
        let out = try await h.call("CreateKey", ["Description": "my key", "Tags": [["TagKey": "team", "TagValue": "a"]]])
        let m = out["KeyMetadata"] as! [String: Any]
        #expect(m["KeySpec"] as? String == "SYMMETRIC_DEFAULT")
        #expect(m["KeyUsage"] as? String == "ENCRYPT_DECRYPT")
        #expect(m["KeyState"] as? String == "Enabled")
        #expect(m["Enabled"] as? Bool == true)
        #expect(m["Description"] as? String == "my key")
        #expect(m["KeyManager"] as? String == "CUSTOMER")
        #expect(m["EncryptionAlgorithms"] as? [String] == ["SYMMETRIC_DEFAULT"])
        #expect((m["Arn"] as! String).hasPrefix("arn:aws:kms:us-east-1:111122223333:key/"))
        #expect(m["CreationDate"] is Double)
        let tags = try await h.call("ListResourceTags", ["KeyId": m["KeyId"]!])["Tags"] as! [[String: String]]
        #expect(tags == [["TagKey": "team", "TagValue": "a"]])
    }

    @Test func combinationsAWSRefusesAreValidationErrors() async throws {
        await #expect(throws: KMSError(.validation, "")) {
            try await h.call("CreateKey", ["KeySpec": "ECC_NIST_P256"])  // default usage ENCRYPT_DECRYPT
        }
        await #expect(throws: KMSError(.validation, "")) {
            try await h.call("CreateKey", ["KeySpec": "HMAC_256", "KeyUsage": "ENCRYPT_DECRYPT"])
        }
        await #expect(throws: KMSError(.validation, "")) {
            try await h.call("CreateKey", ["KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "SIGN_VERIFY"])
        }
        await #expect(throws: KMSError(.validation, "")) { try await h.call("CreateKey", ["KeySpec": "AES"]) }
        #expect(try await h.call("ListKeys")["Keys"] as? [Any] != nil)
        #expect((try await h.call("ListKeys")["Keys"] as! [Any]).isEmpty)
    }

    @Test func stateTransitionsFollowAWSRules() async throws {
        let id = try await h.createKey()
        try await h.call("DisableKey", ["KeyId": id])
        #expect(try await h.describe(id)["KeyState"] as? String == "Disabled")
        await #expect(throws: KMSError(.disabled, "")) {
            try await h.call("Encrypt", ["KeyId": id, "Plaintext": Data("x".utf8).b64])
        }
        try await h.call("EnableKey", ["KeyId": id])
        let scheduled = try await h.call("ScheduleKeyDeletion", ["KeyId": id, "PendingWindowInDays": 7])
        #expect(scheduled["KeyState"] as? String == "PendingDeletion")
        #expect(scheduled["PendingWindowInDays"] as? Int == 7)
        await #expect(throws: KMSError(.invalidState, "")) { try await h.call("EnableKey", ["KeyId": id]) }
        await #expect(throws: KMSError(.invalidState, "")) {
            try await h.call("Encrypt", ["KeyId": id, "Plaintext": Data("x".utf8).b64])
        }
        try await h.call("CancelKeyDeletion", ["KeyId": id])
        // AWS leaves a key whose deletion was cancelled disabled.
        #expect(try await h.describe(id)["KeyState"] as? String == "Disabled")
    }

    @Test func deletionWindowIsSevenToThirtyDays() async throws {
        let id = try await h.createKey()
        for days in [6, 31] {
            await #expect(throws: KMSError(.validation, "")) {
                try await h.call("ScheduleKeyDeletion", ["KeyId": id, "PendingWindowInDays": days])
            }
        }
        let out = try await h.call("ScheduleKeyDeletion", ["KeyId": id])
        #expect(out["PendingWindowInDays"] as? Int == 30)
    }

    @Test func scheduledKeysAreDeletedWithTheirAliasesOnceTheDatePasses() async throws {
        let id = try await h.createKey()
        try await h.call("CreateAlias", ["AliasName": "alias/doomed", "TargetKeyId": id])
        try await h.call("ScheduleKeyDeletion", ["KeyId": id, "PendingWindowInDays": 7])
        h.kms.clock.advance(by: 6 * 86400)
        #expect(try await DeletionSweeper(kms: h.kms).sweep().isEmpty)
        h.kms.clock.advance(by: 86400 + 1)
        await #expect(throws: KMSError(.notFound, "")) { try await h.describe(id) }
        let swept = try await DeletionSweeper(kms: h.kms).sweep()
        #expect(swept.count == 1)
        #expect(try await h.kms.store.base.key(KeyIdentity(scope: h.caller.scope, id: KeyID(id)!)) == nil)
        let aliases = try await h.call("ListAliases")["Aliases"] as! [[String: Any]]
        #expect(!aliases.contains { $0["AliasName"] as? String == "alias/doomed" })
    }

    @Test func managementOperationsRefuseAliases() async throws {
        let id = try await h.createKey()
        try await h.call("CreateAlias", ["AliasName": "alias/mgmt", "TargetKeyId": id])
        for op in ["DisableKey", "EnableKey", "ScheduleKeyDeletion", "TagResource"] {
            var input: [String: Any] = ["KeyId": "alias/mgmt"]
            if op == "TagResource" { input["Tags"] = [["TagKey": "a", "TagValue": "b"]] }
            await #expect(throws: KMSError(.invalidArn, "")) { try await h.call(op, input) }
        }
        #expect(try await h.describe("alias/mgmt")["KeyId"] as? String == id)
        #expect(try await h.describe("arn:aws:kms:us-east-1:111122223333:alias/mgmt")["KeyId"] as? String == id)
        // DescribeKey never shows aliases.
        #expect(try await h.describe(id).keys.contains { $0.lowercased().contains("alias") } == false)
    }

    @Test func accountsAndRegionsAreSeparate() async throws {
        let id = try await h.createKey()
        let arn = try await h.describe(id)["Arn"] as! String
        let other = h.as(account: "444455556666")
        await #expect(throws: KMSError(.notFound, "")) { try await other.describe(id) }
        await #expect(throws: KMSError(.notFound, "")) {
            try await h.as(account: "111122223333", region: "eu-west-1").describe(id)
        }
        await #expect(throws: KMSError(.notFound, "")) { try await other.call("DisableKey", ["KeyId": arn]) }
        #expect((try await other.call("ListKeys")["Keys"] as! [Any]).isEmpty)
    }

    @Test func listKeysPagesReturnEveryKeyExactlyOnce() async throws {
        var created = Set<String>()
        for _ in 0..<11 { created.insert(try await h.createKey()) }
        var seen: [String] = []
        var marker: String?
        repeat {
            var input: [String: Any] = ["Limit": 3]
            if let marker { input["Marker"] = marker }
            let out = try await h.call("ListKeys", input)
            seen += (out["Keys"] as! [[String: String]]).map { $0["KeyId"]! }
            marker = out["NextMarker"] as? String
            #expect((out["Truncated"] as! Bool) == (marker != nil))
        } while marker != nil
        #expect(seen.count == 11)
        #expect(Set(seen) == created)
        await #expect(throws: KMSError(.invalidMarker, "")) { try await h.call("ListKeys", ["Marker": "garbage"]) }
    }

    @Test func updateKeyDescriptionChangesOnlyTheDescription() async throws {
        let id = try await h.createKey(["Description": "old"])
        try await h.call("UpdateKeyDescription", ["KeyId": id, "Description": "new"])
        #expect(try await h.describe(id)["Description"] as? String == "new")
    }

    @Test func awsManagedKeysAreCreatedOnFirstUseAndProtected() async throws {
        let out = try await h.call("Encrypt", ["KeyId": "alias/aws/s3", "Plaintext": Data("x".utf8).b64])
        let arn = out["KeyId"] as! String
        let m = try await h.describe("alias/aws/s3")
        #expect(m["Arn"] as? String == arn)
        #expect(m["KeyManager"] as? String == "AWS")
        await #expect(throws: KMSError(.accessDenied, "")) { try await h.call("DisableKey", ["KeyId": arn]) }
        await #expect(throws: KMSError(.accessDenied, "")) { try await h.call("ScheduleKeyDeletion", ["KeyId": arn]) }
        await #expect(throws: KMSError(.accessDenied, "")) {
            try await h.call("CreateAlias", ["AliasName": "alias/mine", "TargetKeyId": arn])
        }
        #expect(try await h.describe("alias/aws/s3")["Arn"] as? String == arn)
    }

    @Test func badBodiesNeverCrashAndChangeNothing() async throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let count = Int.random(in: 1..<64, using: &generator)  // an empty body is a valid CreateKey
            let bytes = Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
            for op in ["CreateKey", "Encrypt", "Decrypt", "CreateAlias"] {
                _ = try? await h.raw(op, bytes)
            }
        }
        for body in ["[]", "\"x\"", "{\"KeyId\": 5}", "{\"Plaintext\": \"not base64!\", \"KeyId\": \"alias/x\"}", "{"] {
            do {
                try await h.raw("Encrypt", Data(body.utf8))
                Issue.record("accepted \(body)")
            } catch let error as KMSError {
                #expect([.serialization, .validation].contains(error.code), "\(body): \(error)")
            }
        }
        #expect((try await h.call("ListKeys")["Keys"] as! [Any]).isEmpty)
    }

    @Test func dryRunChecksEverythingAndChangesNothing() async throws {
        let id = try await h.createKey()
        await #expect(throws: KMSError(.dryRunOperation, "")) {
            try await h.call("Encrypt", ["KeyId": id, "Plaintext": Data("x".utf8).b64, "DryRun": true])
        }
        await #expect(throws: KMSError(.notFound, "")) {
            try await h.call("Encrypt", ["KeyId": "alias/none", "Plaintext": Data("x".utf8).b64, "DryRun": true])
        }
    }
}
