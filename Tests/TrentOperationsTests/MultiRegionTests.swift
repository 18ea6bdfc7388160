import Foundation
import Testing
import TrentCore

@testable import TrentOperations

/// Multi-Region keys: replicas share the key id, material and rotation with their primary, ciphertexts open in
/// any Region of the set, and the set changes (replication, new primary, deletion) reach every member.
@Suite struct MultiRegionTests {
    let east = Harness()
    var west: Harness { east.as(account: "111122223333", region: "us-west-2") }
    let text = Data("across Regions".utf8).base64EncodedString()

    func configuration(_ h: Harness, _ id: String) async throws -> [String: Any] {
        try await h.describe(id)["MultiRegionConfiguration"] as! [String: Any]
    }

    func replicated() async throws -> String {
        let id = try await east.createKey(["MultiRegion": true])
        try await east.call(
            "ReplicateKey",
            ["KeyId": id, "ReplicaRegion": "us-west-2", "Description": "west", "Tags": [["TagKey": "t", "TagValue": "v"]]])
        return id
    }

    @Test func replicasShareTheKeyAndCiphertextsOpenInEitherRegion() async throws {
        let single = try await east.createKey()
        await #expect(throws: KMSError(.unsupportedOperation, "")) {
            try await east.call("ReplicateKey", ["KeyId": single, "ReplicaRegion": "us-west-2"])
        }
        let id = try await east.createKey(["MultiRegion": true])
        #expect(id.hasPrefix("mrk-"))
        let reply = try await east.call("ReplicateKey", ["KeyId": id, "ReplicaRegion": "us-west-2", "Description": "west"])
        let replica = reply["ReplicaKeyMetadata"] as! [String: Any]
        #expect(replica["Arn"] as? String == "arn:aws:kms:us-west-2:111122223333:key/\(id)")
        #expect(replica["Description"] as? String == "west")
        #expect(reply["ReplicaPolicy"] is String)
        await #expect(throws: KMSError(.alreadyExists, "")) {
            try await east.call("ReplicateKey", ["KeyId": id, "ReplicaRegion": "us-west-2"])
        }
        await #expect(throws: KMSError(.validation, "")) {
            try await east.call("ReplicateKey", ["KeyId": id, "ReplicaRegion": "us-east-1"])
        }
        await #expect(throws: KMSError(.unsupportedOperation, "")) {
            try await west.call("ReplicateKey", ["KeyId": id, "ReplicaRegion": "eu-west-1"])
        }

        let primary = try await configuration(east, id)
        #expect(primary["MultiRegionKeyType"] as? String == "PRIMARY")
        #expect((primary["ReplicaKeys"] as? [[String: Any]])?.map { $0["Region"] as? String } == ["us-west-2"])
        let secondary = try await configuration(west, id)
        #expect(secondary["MultiRegionKeyType"] as? String == "REPLICA")
        #expect((secondary["PrimaryKey"] as? [String: Any])?["Region"] as? String == "us-east-1")

        let fromEast = try await east.call("Encrypt", ["KeyId": id, "Plaintext": text])["CiphertextBlob"]!
        #expect(try await west.call("Decrypt", ["CiphertextBlob": fromEast])["Plaintext"] as? String == text)
        #expect(try await west.call("Decrypt", ["CiphertextBlob": fromEast, "KeyId": id])["Plaintext"] as? String == text)
        let fromWest = try await west.call("Encrypt", ["KeyId": id, "Plaintext": text])["CiphertextBlob"]!
        #expect(try await east.call("Decrypt", ["CiphertextBlob": fromWest])["Plaintext"] as? String == text)

        // A single-Region key's ciphertext stays in its Region.
        let local = try await east.call("Encrypt", ["KeyId": single, "Plaintext": text])["CiphertextBlob"]!
        await #expect(throws: KMSError(.invalidCiphertext, "")) { try await west.call("Decrypt", ["CiphertextBlob": local]) }
    }

    @Test func rotationBelongsToThePrimaryAndReachesTheReplicas() async throws {
        let id = try await replicated()
        await #expect(throws: KMSError(.unsupportedOperation, "")) { try await west.call("RotateKeyOnDemand", ["KeyId": id]) }
        await #expect(throws: KMSError(.unsupportedOperation, "")) { try await west.call("EnableKeyRotation", ["KeyId": id]) }
        try await east.call("RotateKeyOnDemand", ["KeyId": id])
        try await east.call("EnableKeyRotation", ["KeyId": id, "RotationPeriodInDays": 90])
        let status = try await west.call("GetKeyRotationStatus", ["KeyId": id])
        #expect(status["KeyRotationEnabled"] as? Bool == true)
        #expect(status["RotationPeriodInDays"] as? Int == 90)
        let eastMaterial = try await east.describe(id)["CurrentKeyMaterialId"] as? String
        #expect(eastMaterial != nil)
        #expect(try await west.describe(id)["CurrentKeyMaterialId"] as? String == eastMaterial)
        let blob = try await east.call("Encrypt", ["KeyId": id, "Plaintext": text])["CiphertextBlob"]!
        #expect(try await west.call("Decrypt", ["CiphertextBlob": blob])["Plaintext"] as? String == text)
    }

    @Test func updatePrimaryRegionSwapsTheRoles() async throws {
        let id = try await replicated()
        await #expect(throws: KMSError(.notFound, "")) {
            try await east.call("UpdatePrimaryRegion", ["KeyId": id, "PrimaryRegion": "eu-west-1"])
        }
        try await east.call("UpdatePrimaryRegion", ["KeyId": id, "PrimaryRegion": "us-west-2"])
        #expect(try await configuration(west, id)["MultiRegionKeyType"] as? String == "PRIMARY")
        let former = try await configuration(east, id)
        #expect(former["MultiRegionKeyType"] as? String == "REPLICA")
        #expect((former["PrimaryKey"] as? [String: Any])?["Region"] as? String == "us-west-2")
        #expect((former["ReplicaKeys"] as? [[String: Any]])?.map { $0["Region"] as? String } == ["us-east-1"])
        await #expect(throws: KMSError(.unsupportedOperation, "")) {
            try await east.call("UpdatePrimaryRegion", ["KeyId": id, "PrimaryRegion": "us-west-2"])
        }
        try await west.call("RotateKeyOnDemand", ["KeyId": id])  // the new primary rotates
    }

    @Test func aPrimaryWaitsForItsReplicasBeforeItsOwnWaitingPeriod() async throws {
        let id = try await replicated()
        let scheduled = try await east.call("ScheduleKeyDeletion", ["KeyId": id, "PendingWindowInDays": 7])
        #expect(scheduled["KeyState"] as? String == "PendingReplicaDeletion")
        #expect(scheduled["DeletionDate"] == nil)
        let waiting = try await east.describe(id)
        #expect(waiting["PendingDeletionWindowInDays"] as? Int == 7)
        #expect(waiting["DeletionDate"] == nil)

        try await west.call("ScheduleKeyDeletion", ["KeyId": id, "PendingWindowInDays": 7])
        east.kms.clock.advance(by: 8 * 86_400)
        let deleted = try await DeletionSweeper(kms: east.kms).sweep()
        #expect(deleted.map(\.description) == ["arn:aws:kms:us-west-2:111122223333:key/\(id)"])
        let primary = try await east.describe(id)
        #expect(primary["KeyState"] as? String == "PendingDeletion")
        #expect(primary["DeletionDate"] is Double)
        let set = try await configuration(east, id)
        #expect((set["ReplicaKeys"] as? [Any])?.isEmpty == true)
        try await east.call("CancelKeyDeletion", ["KeyId": id])
        #expect(try await east.describe(id)["KeyState"] as? String == "Disabled")
    }
}
