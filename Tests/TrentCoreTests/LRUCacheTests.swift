import Foundation
import Testing

@testable import TrentCore

struct LRUCacheTests {
    @Test func evictsTheLeastRecentlyUsedByEntriesAndByCost() {
        var cache = LRUCache<Int, String>(maxEntries: 3, maxCost: 100)
        cache.set(1, "a", cost: 10)
        cache.set(2, "b", cost: 10)
        cache.set(3, "c", cost: 10)
        #expect(cache.get(1) == "a")  // 1 is now the most recent; 2 the least
        cache.set(4, "d", cost: 10)
        #expect(!cache.contains(2) && cache.contains(1) && cache.contains(3) && cache.contains(4))
        #expect(cache.count == 3 && cache.totalCost == 30 && cache.evictions == 1)
        // A costly entry pushes out as many old ones as needed, the oldest first.
        cache.set(5, "e", cost: 85)
        #expect(cache.count == 2 && cache.get(5) == "e" && cache.contains(4) && cache.totalCost == 95)
        // Replacing a value updates its cost; removing frees it; slots are reused.
        cache.set(5, "E", cost: 5)
        cache.set(6, "f", cost: 5)
        cache.remove(5)
        #expect(cache.get(5) == nil && cache.get(6) == "f" && cache.totalCost == 15)
        for i in 100..<1000 { cache.set(i, "x", cost: 1) }
        #expect(cache.count == 3 && cache.contains(999) && cache.contains(998) && cache.contains(997))
        cache.removeAll { $0 >= 998 }
        #expect(cache.count == 1 && cache.totalCost == 1)
        cache.removeAll()
        #expect(cache.count == 0 && cache.get(997) == nil)
    }

    @Test func theKeyCacheStaysWithinItsBoundsAndStillAnswers() async throws {
        let base = InMemoryKeyStore()
        let store = CachedKeyStore(base, maxKeys: 10, maxBytes: 1 << 20, maxAliases: 5)
        var keys: [KeyRecord] = []
        for _ in 0..<50 {
            let key = sampleKey()
            try await store.commit(.key(.put(key, expectedRevision: nil)))
            keys.append(key)
        }
        for key in keys { #expect(try await store.key(key.identity)?.identity == key.identity) }
        #expect(store.occupancy.keys == 10)
        #expect(store.occupancy.evictions >= 40)
        // A byte bound smaller than ten records holds fewer.
        let small = CachedKeyStore(base, maxKeys: 10, maxBytes: 3 * keys[0].estimatedSize, maxAliases: 5)
        for key in keys { _ = try await small.key(key.identity) }
        #expect(small.occupancy.keys == 3)
    }
}

struct SortedIndexTests {
    /// Against a sorted array, through inserts, duplicates, removals and chunk splits, pages from any point.
    @Test func matchesASortedArrayThroughChunkSplits() {
        var index = SortedIndex<Int>()
        var reference = Set<Int>()
        var generator = SystemRandomNumberGenerator()
        for step in 0..<5000 {
            let value = Int.random(in: 0..<3000, using: &generator)
            if step % 3 == 2 {
                index.remove(value)
                reference.remove(value)
            } else {
                index.insert(value)
                reference.insert(value)
            }
        }
        let sorted = reference.sorted()
        #expect(Array(index.suffix(after: nil)) == sorted)
        #expect(index.count == sorted.count)
        for after in [-1, 0, 1, 1499, 2999, 3000, Int.random(in: 0..<3000)] {
            #expect(Array(index.suffix(after: after)) == sorted.filter { $0 > after })
        }
        for value in sorted { index.remove(value) }
        #expect(Array(index.suffix(after: nil)).isEmpty)
    }
}
