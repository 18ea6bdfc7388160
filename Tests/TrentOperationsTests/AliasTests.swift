import Foundation
import Testing
import TrentCore

@testable import TrentOperations

@Suite struct AliasTests {
    let h = Harness()

    func aliases(_ input: [String: Any] = [:]) async throws -> [[String: Any]] {
        try await h.call("ListAliases", input)["Aliases"] as! [[String: Any]]
    }

    @Test func createListUpdateDelete() async throws {
        let a = try await h.createKey(), b = try await h.createKey()
        try await h.call("CreateAlias", ["AliasName": "alias/ExampleAlias", "TargetKeyId": a])
        try await h.call("CreateAlias", ["AliasName": "alias/Second", "TargetKeyId": a])
        let forA = try await aliases(["KeyId": a])
        #expect(forA.map { $0["AliasName"] as! String } == ["alias/ExampleAlias", "alias/Second"])
        let first = forA[0]
        #expect(first["AliasArn"] as? String == "arn:aws:kms:us-east-1:111122223333:alias/ExampleAlias")
        #expect(first["TargetKeyId"] as? String == a)

        h.kms.clock.advance(by: 60)
        try await h.call("UpdateAlias", ["AliasName": "alias/ExampleAlias", "TargetKeyId": b])
        let moved = try await aliases(["KeyId": b])[0]
        #expect(moved["CreationDate"] as? Double == first["CreationDate"] as? Double)
        #expect((moved["LastUpdatedDate"] as! Double) > (first["LastUpdatedDate"] as! Double))

        try await h.call("DeleteAlias", ["AliasName": "alias/ExampleAlias"])
        #expect(try await aliases(["KeyId": b]).isEmpty)
        await #expect(throws: KMSError(.notFound, "")) { try await h.call("DeleteAlias", ["AliasName": "alias/ExampleAlias"]) }
    }

    @Test func namesAreUniqueAndCaseSensitive() async throws {
        let a = try await h.createKey()
        try await h.call("CreateAlias", ["AliasName": "alias/name", "TargetKeyId": a])
        await #expect(throws: KMSError(.alreadyExists, "")) {
            try await h.call("CreateAlias", ["AliasName": "alias/name", "TargetKeyId": a])
        }
        try await h.call("CreateAlias", ["AliasName": "alias/Name", "TargetKeyId": a])
        try await h.as(account: "444455556666").call(
            "CreateAlias",
            [
                "AliasName": "alias/name", "TargetKeyId": try await h.as(account: "444455556666").createKey(),
            ])
    }

    @Test func badNamesAreRefused() async throws {
        let a = try await h.createKey()
        await #expect(throws: KMSError(.notAuthorized, "")) {
            try await h.call("CreateAlias", ["AliasName": "alias/aws/mine", "TargetKeyId": a])
        }
        await #expect(throws: KMSError(.validation, "")) {
            try await h.call("CreateAlias", ["AliasName": "noprefix", "TargetKeyId": a])
        }
        do {
            try await h.call("CreateAlias", ["AliasName": "alias/bad name!", "TargetKeyId": a])
            Issue.record("accepted a bad name")
        } catch let error as KMSError {
            #expect(error.code == .validation)
            #expect(
                error.message.hasPrefix(
                    "1 validation error detected: Value 'alias/bad name!' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern:"
                ))
        }
        await #expect(throws: KMSError(.validation, "")) {
            try await h.call("CreateAlias", ["AliasName": "alias/" + String(repeating: "x", count: 251), "TargetKeyId": a])
        }
    }

    @Test func targetsMustBeLiveKeysOfTheCallersScope() async throws {
        let a = try await h.createKey()
        try await h.call("CreateAlias", ["AliasName": "alias/one", "TargetKeyId": a])
        await #expect(throws: KMSError(.invalidArn, "")) {
            try await h.call("CreateAlias", ["AliasName": "alias/two", "TargetKeyId": "alias/one"])
        }
        let other = try await h.as(account: "444455556666").createKey()
        await #expect(throws: KMSError(.notFound, "")) {
            try await h.call("CreateAlias", ["AliasName": "alias/two", "TargetKeyId": other])
        }
        try await h.call("ScheduleKeyDeletion", ["KeyId": a, "PendingWindowInDays": 7])
        await #expect(throws: KMSError(.invalidState, "")) {
            try await h.call("CreateAlias", ["AliasName": "alias/two", "TargetKeyId": a])
        }
        // An alias of a key pending deletion can still be deleted.
        try await h.call("DeleteAlias", ["AliasName": "alias/one"])
    }

    @Test func listAliasesShowsAWSManagedAliasesAndPages() async throws {
        let all = try await aliases()
        let s3 = try #require(all.first { $0["AliasName"] as? String == "alias/aws/s3" })
        #expect(s3["TargetKeyId"] == nil)
        #expect(s3["AliasArn"] as? String == "arn:aws:kms:us-east-1:111122223333:alias/aws/s3")
        _ = try await h.call("GenerateDataKey", ["KeyId": "alias/aws/s3", "KeySpec": "AES_256"])
        let created = try await aliases().first { $0["AliasName"] as? String == "alias/aws/s3" }
        #expect(created?["TargetKeyId"] is String)

        let key = try await h.createKey()
        for i in 0..<5 { try await h.call("CreateAlias", ["AliasName": "alias/p\(i)", "TargetKeyId": key]) }
        var names: [String] = []
        var marker: String?
        repeat {
            var input: [String: Any] = ["Limit": 4]
            if let marker { input["Marker"] = marker }
            let out = try await h.call("ListAliases", input)
            names += (out["Aliases"] as! [[String: Any]]).map { $0["AliasName"] as! String }
            marker = out["NextMarker"] as? String
        } while marker != nil
        #expect(names.count == Set(names).count)
        #expect(names.count == all.count + 5)
        await #expect(throws: KMSError(.validation, "")) { try await h.call("ListAliases", ["Limit": 0]) }
    }

    @Test func updateAliasKeepsTheKeyTypeAndCannotRename() async throws {
        let a = try await h.createKey(), b = try await h.createKey()
        await #expect(throws: KMSError(.notFound, "")) {
            try await h.call("UpdateAlias", ["AliasName": "alias/missing", "TargetKeyId": b])
        }
        try await h.call("CreateAlias", ["AliasName": "alias/u", "TargetKeyId": a])
        await #expect(throws: KMSError(.notAuthorized, "")) {
            try await h.call("UpdateAlias", ["AliasName": "alias/aws/s3", "TargetKeyId": b])
        }
        try await h.call("UpdateAlias", ["AliasName": "alias/u", "TargetKeyId": b])
        #expect(try await h.describe("alias/u")["KeyId"] as? String == b)
    }

    @Test func aliasesWorkInCryptographicOperations() async throws {
        let a = try await h.createKey()
        try await h.call("CreateAlias", ["AliasName": "alias/crypto", "TargetKeyId": a])
        let out = try await h.call(
            "Encrypt", ["KeyId": "arn:aws:kms:us-east-1:111122223333:alias/crypto", "Plaintext": Data("x".utf8).b64])
        #expect((out["KeyId"] as! String).hasSuffix(a))
        await #expect(throws: KMSError(.notFound, "")) {
            try await h.call("Encrypt", ["KeyId": "alias/nope", "Plaintext": Data("x".utf8).b64])
        }
    }
}

/// ListAliases pages from the store's index in every store: each alias exactly once, in name order, merged with
/// the AWS managed aliases, and without the aliases of keys past their deletion date.
@Suite struct ListAliasesPagingTests {
    func walk(_ harness: Harness, limit: Int) async throws -> [String] {
        var names: [String] = []
        var marker: String?
        repeat {
            var input: [String: Any] = ["Limit": limit]
            if let marker { input["Marker"] = marker }
            let page = try await harness.call("ListAliases", input)
            let aliases = page["Aliases"] as? [[String: Any]] ?? []
            #expect(aliases.count <= limit)
            names += aliases.compactMap { $0["AliasName"] as? String }
            marker = page["NextMarker"] as? String
            #expect((page["Truncated"] as? Bool) == (marker != nil))
        } while marker != nil
        return names
    }

    @Test(arguments: [1, 7, 100])
    func everyAliasOnceInOrder(limit: Int) async throws {
        let harness = Harness()
        let key = try await harness.createKey()
        let doomed = try await harness.createKey()
        var expected = AliasName.awsManaged.map(\.alias)
        for i in 0..<60 {
            let name = "alias/\(["a", "aws-like", "b", "z"][i % 4])-\(i)"
            try await harness.call("CreateAlias", ["AliasName": name, "TargetKeyId": key])
            expected.append(name)
        }
        try await harness.call("CreateAlias", ["AliasName": "alias/doomed", "TargetKeyId": doomed])
        try await harness.call("ScheduleKeyDeletion", ["KeyId": doomed, "PendingWindowInDays": 7])
        // Pending deletion: still listed until its date passes.
        #expect(try await walk(harness, limit: limit).contains("alias/doomed"))
        harness.kms.clock.advance(by: 8 * 86_400)
        let names = try await walk(harness, limit: limit)
        #expect(names == expected.sorted())
        #expect(Set(names).count == names.count)
    }

    @Test func aBadMarkerIsRefused() async throws {
        let harness = Harness()
        await #expect(throws: KMSError(.invalidMarker, "")) {
            try await harness.call("ListAliases", ["Marker": "not-a-marker"])
        }
    }
}
