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

@Suite struct KeyIDTests {
    @Test func keyIDsAreLowercaseUUIDsOrMultiRegionIDs() {
        #expect(KeyID("bc436485-5092-42b8-92a3-0aa8b93536dc") != nil)
        #expect(KeyID("mrk-1234abcd12ab34cd56ef1234567890ab") != nil)
        for bad in [
            "BC436485-5092-42B8-92A3-0AA8B93536DC", "bc436485-5092-42b8-92a3-0aa8b93536d",
            "bc436485-5092-42b8-92a3-0aa8b93536dcc",
            "bc436485_5092-42b8-92a3-0aa8b93536dc", "bc4364855-092-42b8-92a3-0aa8b93536dc",
            "gc436485-5092-42b8-92a3-0aa8b93536dc",
            "", "alias/x", "bc436485-5092-42b8-92a3-0aa8b93536d\u{e9}",
        ] {
            #expect(KeyID(bad) == nil, "\(bad)")
        }
        #expect(KeyID.random().rawValue.count == 36)
    }
}
