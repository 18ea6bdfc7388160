import Foundation
import Testing

@testable import TrentCore

func sampleScope(_ account: String = "111122223333", _ region: String = "us-east-1") -> Scope {
    Scope(account: AccountID(account)!, region: Region(region)!)
}

func sampleKey(_ scope: Scope = sampleScope()) -> KeyRecord {
    KeyRecord(
        identity: KeyIdentity(scope: scope, id: .random()), description: "test", spec: .symmetricDefault,
        usage: .encryptDecrypt, origin: .awsKMS, manager: .customer, state: .enabled, creationDate: Date(),
        materials: [
            SealedMaterial(version: 1, materialID: String(repeating: "a", count: 64), sealed: Data([1, 2, 3]), createdAt: Date())
        ],
        currentVersion: 1, policy: "{}")
}

@Suite struct InMemoryStoreTests {
    @Test func staleRevisionIsAConflict() async throws {
        let store = InMemoryKeyStore()
        var key = sampleKey()
        try await store.commit(.key(.put(key, expectedRevision: nil)))
        key.revision = 1
        key.description = "changed"
        try await store.commit(.key(.put(key, expectedRevision: 1)))
        #expect(try await store.key(key.identity)?.revision == 2)
        await #expect(throws: StoreError.conflict) { try await store.commit(.key(.put(key, expectedRevision: 1))) }
        await #expect(throws: StoreError.conflict) { try await store.commit(.key(.put(key, expectedRevision: nil))) }
    }

    @Test func deletingAKeyDeletesItsAliases() async throws {
        let store = InMemoryKeyStore()
        let key = sampleKey()
        let alias = AliasRecord(
            scope: key.identity.scope, name: AliasName("alias/a")!, targetKeyID: key.identity.id, creationDate: Date(),
            lastUpdatedDate: Date())
        try await store.commit(ChangeSet(keys: [.put(key, expectedRevision: nil)], aliases: [.create(alias)]))
        try await store.commit(.key(.delete(key.identity, expectedRevision: 1)))
        #expect(try await store.aliases(in: key.identity.scope).isEmpty)
        #expect(try await store.key(key.identity) == nil)
    }

    @Test func aliasNamesAreUniquePerScopeOnly() async throws {
        let store = InMemoryKeyStore()
        let a = sampleKey(), b = sampleKey(sampleScope("444455556666"))
        let name = AliasName("alias/same")!
        try await store.commit(.key(.put(a, expectedRevision: nil)))
        try await store.commit(.key(.put(b, expectedRevision: nil)))
        try await store.commit(
            .alias(
                .create(
                    AliasRecord(
                        scope: a.identity.scope, name: name, targetKeyID: a.identity.id, creationDate: Date(),
                        lastUpdatedDate: Date()))))
        try await store.commit(
            .alias(
                .create(
                    AliasRecord(
                        scope: b.identity.scope, name: name, targetKeyID: b.identity.id, creationDate: Date(),
                        lastUpdatedDate: Date()))))
        await #expect(throws: StoreError.conflict) {
            try await store.commit(
                .alias(
                    .create(
                        AliasRecord(
                            scope: a.identity.scope, name: name, targetKeyID: a.identity.id, creationDate: Date(),
                            lastUpdatedDate: Date()))))
        }
    }

    @Test func aFailedChangeSetChangesNothing() async throws {
        let store = InMemoryKeyStore()
        let key = sampleKey()
        try await store.commit(.key(.put(key, expectedRevision: nil)))
        let other = sampleKey()
        await #expect(throws: StoreError.conflict) {
            try await store.commit(ChangeSet(keys: [.put(other, expectedRevision: nil), .put(key, expectedRevision: nil)]))
        }
        #expect(try await store.key(other.identity) == nil)
    }
}

@Suite struct CachedStoreTests {
    @Test func commitsThroughTheCacheInvalidateIt() async throws {
        let cache = CachedKeyStore(InMemoryKeyStore())
        var key = sampleKey()
        try await cache.commit(.key(.put(key, expectedRevision: nil)))
        #expect(try await cache.key(key.identity)?.description == "test")
        key.revision = 1
        key.description = "new"
        try await cache.commit(.key(.put(key, expectedRevision: 1)))
        #expect(try await cache.key(key.identity)?.description == "new")
    }

    @Test func invalidateAllDropsWritesMadeBehindTheCache() async throws {
        let base = InMemoryKeyStore()
        let cache = CachedKeyStore(base)
        var key = sampleKey()
        try await cache.commit(.key(.put(key, expectedRevision: nil)))
        _ = try await cache.key(key.identity)
        key.revision = 1
        key.state = .disabled
        try await base.commit(.key(.put(key, expectedRevision: 1)))
        cache.invalidateAll()
        #expect(try await cache.key(key.identity)?.state == .disabled)
    }
}
