import Foundation
import Testing

@testable import TrentCore

@Suite struct CachedKeyStoreJournalTests {
    let scope = sampleScope()

    @Test func changesSinceAGenerationNameTheKeysAndAliasScopes() async throws {
        let store = CachedKeyStore(InMemoryKeyStore())
        let start = store.generation
        #expect(store.changes(since: start) == CachedKeyStore.Change())
        let a = sampleKey(scope)
        try await store.commit(.key(.put(a, expectedRevision: nil)))
        let afterA = store.generation
        let b = sampleKey(scope)
        try await store.commit(.key(.put(b, expectedRevision: nil)))
        #expect(store.changes(since: start)?.keys == [a.identity, b.identity])
        #expect(store.changes(since: afterA)?.keys == [b.identity])
        #expect(store.changes(since: afterA)?.aliasScopes == [])
        try await store.commit(.key(.delete(a.identity, expectedRevision: 1)))
        #expect(store.changes(since: afterA)?.aliasScopes == [scope])
        #expect(store.changes(since: store.generation) == CachedKeyStore.Change())
    }

    @Test func anInvalidationOfEverythingOrAnUnknownGenerationAnswersNil() async throws {
        let store = CachedKeyStore(InMemoryKeyStore())
        let start = store.generation
        store.invalidateAll()
        #expect(store.changes(since: start) == nil)
        #expect(store.changes(since: store.generation + 5) == nil)
        #expect(store.changes(since: store.generation) == CachedKeyStore.Change())
    }
}
