import Foundation
import Synchronization

/// A store that lives and dies with the process: `trent serve --in-memory`, and unit tests.
public final class InMemoryKeyStore: KeyStore {
    private let state = Mutex(MemoryState())
    private let usage = Mutex<[KeyIdentity: KeyLastUsage]>([:])
    private let trackingStart: Date
    public init(trackingStart: Date = Date()) { self.trackingStart = trackingStart }

    public func key(_ identity: KeyIdentity) async throws -> KeyRecord? {
        state.withLock { $0.keys[identity] }
    }

    public func keys(in scope: Scope) async throws -> [KeyRecord] {
        state.withLock { $0.keys.values.filter { $0.identity.scope == scope } }.sorted { $0.identity.id < $1.identity.id }
    }

    public func alias(_ name: AliasName, in scope: Scope) async throws -> AliasRecord? {
        state.withLock { $0.aliases[scope]?[name] }
    }

    public func aliases(in scope: Scope) async throws -> [AliasRecord] {
        state.withLock { Array(($0.aliases[scope] ?? [:]).values) }.sorted { $0.name < $1.name }
    }

    public func aliasPage(in scope: Scope, after: AliasName?, limit: Int, liveAt now: Date) async throws -> [AliasRecord] {
        state.withLock { s in
            var page: [AliasRecord] = []
            guard let order = s.aliasOrder[scope] else { return page }
            for name in order.suffix(after: after) {
                guard page.count < limit else { break }
                guard let alias = s.aliases[scope]?[name],
                    let key = s.keys[KeyIdentity(scope: scope, id: alias.targetKeyID)], !key.isDeleted(at: now)
                else { continue }
                page.append(alias)
            }
            return page
        }
    }

    public func keyPage(in scope: Scope, after: KeyID?, limit: Int, liveAt now: Date) async throws -> [KeyID] {
        state.withLock { s in
            var page: [KeyID] = []
            guard let order = s.keyOrder[scope] else { return page }
            for id in order.suffix(after: after) {
                guard page.count < limit else { break }
                guard let key = s.keys[KeyIdentity(scope: scope, id: id)], !key.isDeleted(at: now) else { continue }
                page.append(id)
            }
            return page
        }
    }

    public func aliases(of key: KeyIdentity) async throws -> [AliasRecord] {
        // Aliases per key are few (AWS allows 50 per key), and are found here by a pass over the scope's.
        state.withLock { s in (s.aliases[key.scope] ?? [:]).values.filter { $0.targetKeyID == key.id } }
            .sorted { $0.name < $1.name }
    }

    public func keysPendingDeletion(before date: Date) async throws -> [KeyRecord] {
        state.withLock { s in s.keys.values.filter { $0.isDeleted(at: date) } }
    }

    public func keysDueForRotation(before date: Date) async throws -> [KeyRecord] {
        state.withLock { s in s.keys.values.filter { $0.isRotationDue(at: date) } }
    }

    public func keysWithExpiringMaterial(before date: Date) async throws -> [KeyRecord] {
        state.withLock { s in s.keys.values.filter { $0.isMaterialExpired(at: date) } }
    }

    public func rootKeyCanary() async throws -> Data? { state.withLock { $0.rootKeyCanary } }

    public func customKeyStores(in scope: Scope) async throws -> [CustomKeyStoreRecord] {
        state.withLock { Array(($0.customKeyStores[scope] ?? [:]).values) }.sorted { $0.id < $1.id }
    }

    public func scopes() async throws -> [Scope] {
        state.withLock { s in
            Set(s.keys.keys.map(\.scope)).union(s.aliases.filter { !$0.value.isEmpty }.keys).sorted {
                ($0.account.rawValue, $0.region.rawValue) < ($1.account.rawValue, $1.region.rawValue)
            }
        }
    }

    public func commit(_ changes: ChangeSet) async throws {
        try state.withLock { s throws(StoreError) in try s.apply(changes) }
        // A deleted key's usage goes with it, as the SQL stores' cascade does.
        let deleted = changes.deletedKeys
        if !deleted.isEmpty { usage.withLock { u in for identity in deleted { u[identity] = nil } } }
    }

    /// Forgets everything (the admin reset endpoint in development mode).
    public func deleteEverything() async throws {
        // The root-key canary stays: the store is still sealed under the same root key.
        state.withLock { $0 = MemoryState(rootKeyCanary: $0.rootKeyCanary) }
        usage.withLock { $0 = [:] }
    }

    public func recordUsage(_ entries: [KeyIdentity: KeyLastUsage]) async throws {
        let existing = state.withLock { s in Set(entries.keys.filter { s.keys[$0] != nil }) }
        usage.withLock { stored in
            for (identity, use) in entries where existing.contains(identity) {
                stored[identity] = KeyLastUsage.latest(stored[identity], use)
            }
        }
    }

    public func lastUsage(of identity: KeyIdentity) async throws -> KeyLastUsage? {
        usage.withLock { $0[identity] }
    }

    public func usageTrackingStart() async throws -> Date { trackingStart }
}
