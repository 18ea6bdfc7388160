import Foundation
import Synchronization

/// Keeps the records the hot path reads (keys by identity, aliases by name) in memory, so Encrypt, Decrypt,
/// GenerateDataKey, Sign and Verify on an unchanged key touch no database. Every commit through this store
/// invalidates what it touched; `invalidateAll` serves changes made by other nodes.
public final class CachedKeyStore: KeyStore {
    private struct ScopedAlias: Hashable, Sendable {
        var scope: Scope
        var name: AliasName
    }

    private struct Cache {
        var keys: LRUCache<KeyIdentity, KeyRecord>
        var aliases: LRUCache<ScopedAlias, AliasRecord>
        var statistics = Statistics()
        var generation: UInt64 = 0
        /// What each recent generation changed (oldest first), for readers that refresh only what changed.
        var journal: [(generation: UInt64, change: Change)] = []
        /// The generation before which the journal knows nothing (an invalidation of everything, or trimming).
        var journalStart: UInt64 = 0
    }

    /// What moved between two generations: keys written or deleted, and the scopes whose aliases changed.
    public struct Change: Sendable, Equatable {
        public var keys: Set<KeyIdentity> = []
        public var aliasScopes: Set<Scope> = []
    }

    static let journalLimit = 4096

    public let base: any KeyStore
    private let cache: Mutex<Cache>

    /// What the cache has done since it was made, for metrics.
    public struct Statistics: Sendable, Equatable {
        public var keyHits = 0
        public var keyMisses = 0
        public var aliasHits = 0
        public var aliasMisses = 0
        /// Invalidations by this node's commits, and by changes other nodes made (notifications, the change log).
        public var localInvalidations = 0
        public var remoteInvalidations = 0
        public var fullInvalidations = 0
        public init() {}
    }
    public var statistics: Statistics { cache.withLock { $0.statistics } }

    /// Holds at most `maxKeys` key records and `maxAliases` aliases, and about `maxBytes` of key records,
    /// evicting the least recently used first.
    public init(_ base: any KeyStore, maxKeys: Int = 20_000, maxBytes: Int = 24 << 20, maxAliases: Int = 20_000) {
        self.base = base
        cache = Mutex(
            Cache(
                keys: LRUCache(maxEntries: maxKeys, maxCost: maxBytes),
                aliases: LRUCache(maxEntries: maxAliases, maxCost: maxAliases * 256)))
    }

    /// Entries held and evicted so far (for metrics and tests).
    public var occupancy: (keys: Int, keyBytes: Int, aliases: Int, evictions: Int) {
        cache.withLock { ($0.keys.count, $0.keys.totalCost, $0.aliases.count, $0.keys.evictions + $0.aliases.evictions) }
    }

    public func key(_ identity: KeyIdentity) async throws -> KeyRecord? {
        let (hit, generation) = cache.withLock { c in
            let hit = c.keys.get(identity)
            if hit == nil { c.statistics.keyMisses += 1 } else { c.statistics.keyHits += 1 }
            return (hit, c.generation)
        }
        if let hit { return hit }
        let record = try await base.key(identity)
        if let record {
            cache.withLock { c in
                guard c.generation == generation else { return }
                c.keys.set(identity, record, cost: record.estimatedSize)
            }
        }
        return record
    }

    public func alias(_ name: AliasName, in scope: Scope) async throws -> AliasRecord? {
        let slot = ScopedAlias(scope: scope, name: name)
        let (hit, generation) = cache.withLock { c in
            let hit = c.aliases.get(slot)
            if hit == nil { c.statistics.aliasMisses += 1 } else { c.statistics.aliasHits += 1 }
            return (hit, c.generation)
        }
        if let hit { return hit }
        let record = try await base.alias(name, in: scope)
        if let record {
            cache.withLock { c in
                guard c.generation == generation else { return }
                c.aliases.set(slot, record, cost: 256)
            }
        }
        return record
    }

    /// Moves on every commit through this store and every invalidation: a reader that saw the same generation
    /// twice saw no change in between.
    public var generation: UInt64 { cache.withLock { $0.generation } }

    /// Everything committed through this store since `generation`, or nil when that is no longer known (too
    /// long ago, or everything was invalidated since): then the reader must read everything again.
    public func changes(since generation: UInt64) -> Change? {
        cache.withLock { c in
            guard generation >= c.journalStart, generation <= c.generation else { return nil }
            var change = Change()
            for entry in c.journal where entry.generation > generation {
                change.keys.formUnion(entry.change.keys)
                change.aliasScopes.formUnion(entry.change.aliasScopes)
            }
            return change
        }
    }

    public func keys(in scope: Scope) async throws -> [KeyRecord] { try await base.keys(in: scope) }
    public func aliases(in scope: Scope) async throws -> [AliasRecord] { try await base.aliases(in: scope) }
    public func aliasPage(in scope: Scope, after: AliasName?, limit: Int, liveAt now: Date) async throws -> [AliasRecord] {
        try await base.aliasPage(in: scope, after: after, limit: limit, liveAt: now)
    }
    public func keyPage(in scope: Scope, after: KeyID?, limit: Int, liveAt now: Date) async throws -> [KeyID] {
        try await base.keyPage(in: scope, after: after, limit: limit, liveAt: now)
    }
    public func aliases(of key: KeyIdentity) async throws -> [AliasRecord] { try await base.aliases(of: key) }
    public func keysPendingDeletion(before date: Date) async throws -> [KeyRecord] {
        try await base.keysPendingDeletion(before: date)
    }
    public func keysDueForRotation(before date: Date) async throws -> [KeyRecord] {
        try await base.keysDueForRotation(before: date)
    }
    public func keysWithExpiringMaterial(before date: Date) async throws -> [KeyRecord] {
        try await base.keysWithExpiringMaterial(before: date)
    }
    public func ping() async throws { try await base.ping() }
    public func rootKeyCanary() async throws -> Data? { try await base.rootKeyCanary() }
    /// Custom key stores are read rarely (their operations, and a key's first use on this node): not cached.
    public func customKeyStores(in scope: Scope) async throws -> [CustomKeyStoreRecord] {
        try await base.customKeyStores(in: scope)
    }
    public func scopes() async throws -> [Scope] { try await base.scopes() }
    public func recordUsage(_ usage: [KeyIdentity: KeyLastUsage]) async throws { try await base.recordUsage(usage) }
    public func lastUsage(of identity: KeyIdentity) async throws -> KeyLastUsage? { try await base.lastUsage(of: identity) }
    public func usageTrackingStart() async throws -> Date { try await base.usageTrackingStart() }
    public func deleteEverything() async throws {
        try await base.deleteEverything()
        invalidateAll()
    }

    public func commit(_ changes: ChangeSet) async throws {
        // Invalidate before and after: a reader that raced the commit cannot re-insert a stale record,
        // because the generation moved.
        invalidate(changes)
        defer { invalidate(changes) }
        try await base.commit(changes)
    }

    private func invalidate(_ changes: ChangeSet) {
        cache.withLock { c in
            c.statistics.localInvalidations += 1
            var change = Change(keys: Set(changes.touchedKeys), aliasScopes: Set(changes.deletedKeys.map(\.scope)))
            for alias in changes.aliases {
                switch alias {
                case .create(let a), .update(let a, _): change.aliasScopes.insert(a.scope)
                case .delete(let scope, _, _): change.aliasScopes.insert(scope)
                }
            }
            Self.record(change, in: &c)
            for identity in changes.touchedKeys { c.keys.remove(identity) }
            // Deleting a key deletes its aliases too.
            let emptied = Set(changes.deletedKeys.map(\.scope))
            if !emptied.isEmpty { c.aliases.removeAll { emptied.contains($0.scope) } }
            for change in changes.aliases {
                switch change {
                case .create(let a), .update(let a, _): c.aliases.remove(ScopedAlias(scope: a.scope, name: a.name))
                case .delete(let scope, let name, _): c.aliases.remove(ScopedAlias(scope: scope, name: name))
                }
            }
        }
    }

    /// A new generation and its entry in the change journal, which keeps its most recent half when full.
    private static func record(_ change: Change, in c: inout Cache) {
        c.generation &+= 1
        c.journal.append((c.generation, change))
        if c.journal.count > journalLimit {
            c.journal.removeFirst(c.journal.count / 2)
            c.journalStart = c.journal.first.map { $0.generation - 1 } ?? c.generation
        }
    }

    /// Drops what other nodes changed (named by the store's change notifications): these keys, and every alias of
    /// these scopes. Recorded in the change journal like local commits.
    public func invalidate(keys: [KeyIdentity], aliasScopes: [Scope]) {
        guard !keys.isEmpty || !aliasScopes.isEmpty else { return }
        cache.withLock { c in
            c.statistics.remoteInvalidations += 1
            Self.record(Change(keys: Set(keys), aliasScopes: Set(aliasScopes)), in: &c)
            for identity in keys { c.keys.remove(identity) }
            let scopes = Set(aliasScopes)
            if !scopes.isEmpty { c.aliases.removeAll { scopes.contains($0.scope) } }
        }
    }

    public func invalidateAll() {
        cache.withLock { c in
            c.statistics.fullInvalidations += 1
            c.generation &+= 1
            c.journal.removeAll()
            c.journalStart = c.generation
            c.keys.removeAll()
            c.aliases.removeAll()
        }
    }
}
