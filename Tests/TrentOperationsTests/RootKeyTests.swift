import Foundation
import Logging
import Testing
import TrentCore
import TrentCrypto

@testable import TrentOperations

@Suite struct RootKeyTests {
    func kms(_ store: any KeyStore, _ rootKey: Data) throws -> KMS {
        KMS(store: store, sealer: try RootKeySealer(rootKey: rootKey), logger: Logger(label: "test"))
    }

    @Test func theCanaryIsWrittenOnceAndCatchesAnotherRootKey() async throws {
        let store = InMemoryKeyStore()
        let first = RootKeySealer.generateRootKey()
        try await kms(store, first).verifyRootKey(source: "test")
        let canary = try await store.rootKeyCanary()
        #expect(canary != nil)
        try await kms(store, first).verifyRootKey(source: "test")
        #expect(try await store.rootKeyCanary() == canary)
        await #expect(throws: KMS.RootKeyMismatch.self) {
            try await kms(store, RootKeySealer.generateRootKey()).verifyRootKey(source: "test")
        }
    }

    @Test func aStoreFromBeforeCanariesIsCheckedOnItsMaterial() async throws {
        let store = InMemoryKeyStore()
        let harness = Harness(store: store)
        _ = try await harness.createKey()
        #expect(try await store.rootKeyCanary() == nil)
        await #expect(throws: KMS.RootKeyMismatch.self) {
            try await kms(store, RootKeySealer.generateRootKey()).verifyRootKey(source: "test")
        }
        #expect(try await store.rootKeyCanary() == nil)  // nothing written by the refused start
        try await harness.kms.verifyRootKey(source: "test")
        #expect(try await store.rootKeyCanary() != nil)
    }

    @Test func resealingMovesEveryMaterialVersionToTheNewRootKey() async throws {
        let store = InMemoryKeyStore()
        let harness = Harness(store: store)
        let key = try await harness.createKey()
        try await harness.call("RotateKeyOnDemand", ["KeyId": key])
        let ciphertext = try await harness.call("Encrypt", ["KeyId": key, "Plaintext": Data("kept".utf8).b64])["CiphertextBlob"]
        let before = try await store.key(KeyIdentity(scope: harness.caller.scope, id: KeyID(key)!))?.materials.map(\.sealed)
        let newKey = RootKeySealer.generateRootKey()
        let counts = try await harness.kms.reseal(under: try RootKeySealer(rootKey: newKey))
        #expect(counts.keys == 1 && counts.materials == 2)
        let after = try await store.key(KeyIdentity(scope: harness.caller.scope, id: KeyID(key)!))?.materials.map(\.sealed)
        #expect(before?.count == 2 && after?.count == 2 && before != after)
        // A fresh server on the new root key opens the old ciphertext; the old root key opens nothing any more.
        let renewed = Dispatcher(kms: try kms(store, newKey))
        try await renewed.kms.verifyRootKey(source: "new")
        let reply = await renewed.handle(
            target: "TrentService.Decrypt", body: try JSONSerialization.data(withJSONObject: ["CiphertextBlob": ciphertext!]),
            caller: harness.caller, requestID: "test")
        #expect(reply.error == nil)
        await #expect(throws: KMS.RootKeyMismatch.self) { try await harness.kms.verifyRootKey(source: "old") }
    }
}
