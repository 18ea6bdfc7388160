import Foundation

/// One change to a key, with the revision it was decided on (nil: the key must not exist yet).
public enum KeyChange: Sendable {
    case put(KeyRecord, expectedRevision: Int?)
    /// Deletes the key, its material and every alias that points at it.
    case delete(KeyIdentity, expectedRevision: Int)
}

public enum AliasChange: Sendable {
    /// The alias must not exist yet.
    case create(AliasRecord)
    /// The alias must still point at `expectedTarget`.
    case update(AliasRecord, expectedTarget: KeyID)
    /// The alias must still point at `expectedTarget`.
    case delete(Scope, AliasName, expectedTarget: KeyID)
}

/// What an operation hands the store after deciding: applied atomically, or not at all.
public struct ChangeSet: Sendable {
    public var keys: [KeyChange]
    public var aliases: [AliasChange]
    /// A new root-key canary (written at first start and by a root key rotation, in the same transaction).
    public var rootKeyCanary: Data?
    public var customKeyStores: [CustomKeyStoreChange]
    public init(
        keys: [KeyChange] = [], aliases: [AliasChange] = [], rootKeyCanary: Data? = nil,
        customKeyStores: [CustomKeyStoreChange] = []
    ) {
        self.keys = keys
        self.aliases = aliases
        self.rootKeyCanary = rootKeyCanary
        self.customKeyStores = customKeyStores
    }
    public static func key(_ change: KeyChange) -> ChangeSet { ChangeSet(keys: [change]) }
    public static func alias(_ change: AliasChange) -> ChangeSet { ChangeSet(aliases: [change]) }

    /// The keys this change set deletes (their aliases, material and usage go with them).
    public var deletedKeys: [KeyIdentity] {
        keys.compactMap {
            if case .delete(let identity, _) = $0 { return identity }
            return nil
        }
    }

    /// The keys this change set touches, for cache invalidation.
    public var touchedKeys: [KeyIdentity] {
        keys.map {
            switch $0 {
            case .put(let r, _): r.identity
            case .delete(let id, _): id
            }
        }
    }
}

public enum StoreError: Error, Sendable, Equatable {
    /// A revision moved or a uniqueness rule broke since the operation read: re-read and decide again.
    case conflict
    /// Storage could not be reached.
    case unavailable(String)
}

/// Storage of keys and aliases. Implemented in memory (here), by TrentSQLite and by TrentPostgres.
public protocol KeyStore: Sendable {
    func key(_ identity: KeyIdentity) async throws -> KeyRecord?
    /// Every key of a scope, ordered by key id.
    func keys(in scope: Scope) async throws -> [KeyRecord]
    func alias(_ name: AliasName, in scope: Scope) async throws -> AliasRecord?
    /// Every alias of a scope, ordered by name.
    func aliases(in scope: Scope) async throws -> [AliasRecord]
    /// One page of a scope's aliases, in name order after `after`: at most `limit` aliases whose key has not passed
    /// its deletion date at `now` (such aliases are gone with their key), read from an index, not by scanning.
    func aliasPage(in scope: Scope, after: AliasName?, limit: Int, liveAt now: Date) async throws -> [AliasRecord]
    /// One page of a scope's key ids, in id order after `after`: at most `limit` keys that have not passed their
    /// deletion date at `now`, read from an index, not by scanning.
    func keyPage(in scope: Scope, after: KeyID?, limit: Int, liveAt now: Date) async throws -> [KeyID]
    /// The aliases that point at one key, in name order (from an index on the target).
    func aliases(of key: KeyIdentity) async throws -> [AliasRecord]
    /// Keys pending deletion whose date is at or before `date`, in every scope.
    func keysPendingDeletion(before date: Date) async throws -> [KeyRecord]
    /// Keys with automatic rotation due at or before `date`, in every scope.
    func keysDueForRotation(before date: Date) async throws -> [KeyRecord]
    /// Keys whose imported material expires at or before `date`, in every scope.
    func keysWithExpiringMaterial(before date: Date) async throws -> [KeyRecord]
    /// Applies the change set atomically; throws `StoreError.conflict` when a precondition no longer holds.
    func commit(_ changes: ChangeSet) async throws
    /// Cheap reachability probe for readiness checks.
    func ping() async throws
    /// Removes every key, alias and grant (the development-mode reset endpoint).
    func deleteEverything() async throws
    /// Records each key's latest cryptographic use, keeping whichever of the stored and the given one is later;
    /// keys that no longer exist are skipped.
    func recordUsage(_ usage: [KeyIdentity: KeyLastUsage]) async throws
    func lastUsage(of identity: KeyIdentity) async throws -> KeyLastUsage?
    /// When this store began recording key usage (GetKeyLastUsage's TrackingStartDate for older keys).
    func usageTrackingStart() async throws -> Date
    /// A value sealed under the root key the store's material is sealed under, so a start with another root key
    /// is caught before it serves; nil for a store that has none yet.
    func rootKeyCanary() async throws -> Data?
    /// Every (account, Region) that holds a key or an alias, in order.
    func scopes() async throws -> [Scope]
    /// The custom key stores of a scope, ordered by id.
    func customKeyStores(in scope: Scope) async throws -> [CustomKeyStoreRecord]
}

extension KeyStore {
    public func ping() async throws {}

    /// Whether the store holds anything sealed under a root key (a canary or any key or alias): then no new root
    /// key may be generated beside it.
    public func holdsSealedData() async throws -> Bool {
        if try await rootKeyCanary() != nil { return true }
        return try await !scopes().isEmpty
    }
}

/// Background jobs (deletion at the end of the waiting period, automatic rotation, expiry of imported material)
/// run on one node at a time when several share a store: a store that can coordinate nodes offers this.
public protocol JobLeases: Sendable {
    /// Runs `body` unless another node is running the job named `job` right now; returns whether it ran.
    func runExclusively(_ job: String, _ body: @Sendable () async throws -> Void) async throws -> Bool
}
