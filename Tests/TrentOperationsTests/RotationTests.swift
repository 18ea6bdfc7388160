import Foundation
import Testing
import TrentCore

@testable import TrentOperations

@Suite struct RotationTests {
    let h = Harness()

    @Test func onDemandRotationKeepsOldCiphertextsReadable() async throws {
        let id = try await h.createKey()
        let before = try await h.call("Encrypt", ["KeyId": id, "Plaintext": Data("old".utf8).b64])
        let firstMaterial = try await h.describe(id)["CurrentKeyMaterialId"] as? String
        try await h.call("RotateKeyOnDemand", ["KeyId": id])
        let secondMaterial = try await h.describe(id)["CurrentKeyMaterialId"] as? String
        #expect(firstMaterial != secondMaterial)
        let after = try await h.call("Encrypt", ["KeyId": id, "Plaintext": Data("new".utf8).b64])
        #expect(after["KeyMaterialId"] as? String == nil || after["KeyMaterialId"] as? String == secondMaterial)
        #expect(blob(try await h.call("Decrypt", ["CiphertextBlob": before["CiphertextBlob"]!])["Plaintext"]) == Data("old".utf8))
        #expect(blob(try await h.call("Decrypt", ["CiphertextBlob": after["CiphertextBlob"]!])["Plaintext"]) == Data("new".utf8))
        let rotations = try await h.call("ListKeyRotations", ["KeyId": id])["Rotations"] as! [[String: Any]]
        #expect(rotations.map { $0["RotationType"] as? String } == ["ON_DEMAND"])
        #expect(rotations.first?["KeyMaterialState"] as? String == "CURRENT")
        let all =
            try await h.call("ListKeyRotations", ["KeyId": id, "IncludeKeyMaterial": "ALL_KEY_MATERIAL"])["Rotations"]
            as! [[String: Any]]
        #expect(all.count == 2)
    }

    @Test func automaticRotationHappensWhenTheClockPassesTheDate() async throws {
        let id = try await h.createKey()
        var status = try await h.call("GetKeyRotationStatus", ["KeyId": id])
        #expect(status["KeyRotationEnabled"] as? Bool == false)
        try await h.call("EnableKeyRotation", ["KeyId": id, "RotationPeriodInDays": 90])
        status = try await h.call("GetKeyRotationStatus", ["KeyId": id])
        #expect(status["KeyRotationEnabled"] as? Bool == true)
        #expect(status["RotationPeriodInDays"] as? Int == 90)
        #expect(try await AutomaticRotation(kms: h.kms).rotateDueKeys().isEmpty)
        h.kms.clock.advance(by: 91 * 86400)
        #expect(try await AutomaticRotation(kms: h.kms).rotateDueKeys().count == 1)
        #expect(try await AutomaticRotation(kms: h.kms).rotateDueKeys().isEmpty)
        let rotations = try await h.call("ListKeyRotations", ["KeyId": id])["Rotations"] as! [[String: Any]]
        #expect(rotations.map { $0["RotationType"] as? String } == ["AUTOMATIC"])
        let next = try await h.call("GetKeyRotationStatus", ["KeyId": id])["NextRotationDate"] as! Double
        #expect(next > h.kms.clock.now().timeIntervalSince1970)
        try await h.call("DisableKeyRotation", ["KeyId": id])
        #expect(try await h.call("GetKeyRotationStatus", ["KeyId": id])["KeyRotationEnabled"] as? Bool == false)
    }

    @Test func onlySymmetricKeysRotateAndPeriodsAreBounded() async throws {
        let hmac = try await h.createKey(["KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"])
        await #expect(throws: KMSError(.unsupportedOperation, "")) { try await h.call("EnableKeyRotation", ["KeyId": hmac]) }
        await #expect(throws: KMSError(.unsupportedOperation, "")) { try await h.call("RotateKeyOnDemand", ["KeyId": hmac]) }
        let id = try await h.createKey()
        await #expect(throws: KMSError(.validation, "")) {
            try await h.call("EnableKeyRotation", ["KeyId": id, "RotationPeriodInDays": 89])
        }
        try await h.call("DisableKey", ["KeyId": id])
        await #expect(throws: KMSError(.disabled, "")) { try await h.call("EnableKeyRotation", ["KeyId": id]) }
        try await h.call("EnableKey", ["KeyId": id])
        for _ in 0..<25 { try await h.call("RotateKeyOnDemand", ["KeyId": id]) }
        await #expect(throws: KMSError(.limitExceeded, "")) { try await h.call("RotateKeyOnDemand", ["KeyId": id]) }
    }
}
