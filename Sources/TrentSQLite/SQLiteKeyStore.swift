import Foundation
import GRDB
import Synchronization
import TrentCore

/// The embedded default store: one SQLite file in WAL mode with `synchronous=FULL`, so a commit that returned
/// is on disk. Rows are this file's own business: records go in and come out as TrentCore types.
public final class SQLiteKeyStore: KeyStore {
    private let pool: DatabasePool

    /// Opens (creating if needed) `trent.sqlite` in `directory` and applies pending migrations.
    public init(directory: URL) throws {
        // Private to the process's user: the files hold key ids, aliases, tags, policies and grants.
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        config.busyMode = .timeout(10)
        pool = try DatabasePool(path: directory.appendingPathComponent("trent.sqlite").path, configuration: config)
        // GRDB sets synchronous=NORMAL when it enables WAL; a KMS acknowledges a write only once it is durable,
        // so the one writer connection is switched to FULL (fsync of the WAL at every commit).
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 8000")
        }
        // A store written by a newer Trent has migrations this one does not know: refuse it rather than guess.
        let unknown = try pool.read { db -> [String] in
            guard try db.tableExists("grdb_migrations") else { return [] }
            let known = Set(Self.migrator.migrations)
            return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations").filter { !known.contains($0) }
        }
        guard unknown.isEmpty else { throw NewerSchema(migrations: unknown.sorted()) }
        try Self.migrator.migrate(pool)
    }

    /// Copies the whole store, consistent as of one moment, into `trent.sqlite` in `directory` (created private),
    /// with SQLite's online backup: the server may keep serving meanwhile.
    public func backup(into directory: URL) throws {
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = directory.appendingPathComponent("trent.sqlite").path
        guard !FileManager.default.fileExists(atPath: path) else {
            throw StoreError.unavailable("\(path) exists already; a backup never overwrites one")
        }
        let copy = try DatabaseQueue(path: path)
        try pool.backup(to: copy)
        try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
    }

    public struct NewerSchema: Error, CustomStringConvertible {
        public let migrations: [String]
        public var description: String {
            "the store has migrations this Trent does not know (\(migrations.joined(separator: ", "))): a newer Trent wrote it"
        }
    }

    /// The journal mode and synchronous level actually in force (checked by tests).
    public func pragmas() throws -> (journalMode: String, synchronous: Int) {
        try pool.write { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
                try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
            )
        }
    }

    // MARK: Schema

    /// Named, append-only migrations: never edit one that has shipped; add the next.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-v1-keys-aliases") { db in
            try db.execute(
                sql: """
                    CREATE TABLE keys (
                        account TEXT NOT NULL, region TEXT NOT NULL, key_id TEXT NOT NULL,
                        revision INTEGER NOT NULL, description TEXT NOT NULL, key_spec TEXT NOT NULL,
                        key_usage TEXT NOT NULL, origin TEXT NOT NULL, key_manager TEXT NOT NULL,
                        key_state TEXT NOT NULL, creation_date REAL NOT NULL, deletion_date REAL,
                        pending_window_days INTEGER, current_version INTEGER NOT NULL,
                        multi_region INTEGER NOT NULL, policy TEXT NOT NULL,
                        PRIMARY KEY (account, region, key_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX keys_deletion ON keys (deletion_date) WHERE deletion_date IS NOT NULL;
                    CREATE TABLE key_materials (
                        account TEXT NOT NULL, region TEXT NOT NULL, key_id TEXT NOT NULL,
                        version INTEGER NOT NULL, material_id TEXT NOT NULL, sealed BLOB NOT NULL,
                        created_at REAL NOT NULL,
                        PRIMARY KEY (account, region, key_id, version),
                        FOREIGN KEY (account, region, key_id) REFERENCES keys ON DELETE CASCADE
                    ) WITHOUT ROWID;
                    CREATE TABLE key_tags (
                        account TEXT NOT NULL, region TEXT NOT NULL, key_id TEXT NOT NULL,
                        position INTEGER NOT NULL, tag_key TEXT NOT NULL, tag_value TEXT NOT NULL,
                        PRIMARY KEY (account, region, key_id, tag_key),
                        FOREIGN KEY (account, region, key_id) REFERENCES keys ON DELETE CASCADE
                    ) WITHOUT ROWID;
                    CREATE TABLE aliases (
                        account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,
                        target_key_id TEXT NOT NULL, creation_date REAL NOT NULL, last_updated_date REAL NOT NULL,
                        PRIMARY KEY (account, region, name),
                        FOREIGN KEY (account, region, target_key_id) REFERENCES keys ON DELETE CASCADE
                    ) WITHOUT ROWID;
                    CREATE INDEX aliases_target ON aliases (account, region, target_key_id);
                    """)
        }
        migrator.registerMigration("2026-11-v2-grants") { db in
            try db.execute(
                sql: """
                    CREATE TABLE key_grants (
                        account TEXT NOT NULL, region TEXT NOT NULL, key_id TEXT NOT NULL, grant_id TEXT NOT NULL,
                        token TEXT NOT NULL, name TEXT, grantee_principal TEXT NOT NULL, retiring_principal TEXT,
                        issuing_principal TEXT NOT NULL, operations TEXT NOT NULL, context_subset TEXT,
                        context_equals TEXT, creation_date REAL NOT NULL,
                        PRIMARY KEY (account, region, key_id, grant_id),
                        FOREIGN KEY (account, region, key_id) REFERENCES keys ON DELETE CASCADE
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("2026-11-v3-rotation") { db in
            try db.execute(
                sql: """
                    ALTER TABLE keys ADD COLUMN rotation_period_days INTEGER;
                    ALTER TABLE keys ADD COLUMN next_rotation_date REAL;
                    ALTER TABLE key_materials ADD COLUMN rotation_type TEXT;
                    CREATE INDEX keys_rotation ON keys (next_rotation_date) WHERE next_rotation_date IS NOT NULL;
                    """)
        }
        migrator.registerMigration("2026-11-v4-imported-material") { db in
            try db.execute(
                sql: """
                    ALTER TABLE keys ADD COLUMN material_valid_to REAL;
                    ALTER TABLE keys ADD COLUMN import_fingerprint BLOB;
                    """)
        }
        migrator.registerMigration("2026-11-v5-key-last-usage") { db in
            try db.execute(
                sql: """
                    CREATE TABLE key_last_usage (
                        account TEXT NOT NULL, region TEXT NOT NULL, key_id TEXT NOT NULL,
                        operation TEXT NOT NULL, used_at REAL NOT NULL, request_id TEXT NOT NULL,
                        event_id TEXT NOT NULL,
                        PRIMARY KEY (account, region, key_id),
                        FOREIGN KEY (account, region, key_id) REFERENCES keys ON DELETE CASCADE
                    ) WITHOUT ROWID;
                    CREATE TABLE store_facts (name TEXT PRIMARY KEY, value REAL NOT NULL) WITHOUT ROWID;
                    INSERT INTO store_facts VALUES ('usage_tracking_start', (julianday('now') - 2440587.5) * 86400.0);
                    """)
        }
        migrator.registerMigration("2026-11-v6-multi-region") { db in
            try db.execute(
                sql: """
                    ALTER TABLE keys ADD COLUMN primary_region TEXT;
                    ALTER TABLE keys ADD COLUMN replica_regions TEXT NOT NULL DEFAULT '';
                    """)
        }
        migrator.registerMigration("2026-12-v7-settings") { db in
            // Store-wide values; today the root-key canary.
            try db.execute(sql: "CREATE TABLE settings (name TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL) WITHOUT ROWID")
        }
        migrator.registerMigration("2026-12-v8-imported-materials") { db in
            // Several imported materials per key, each with its own expiry and description.
            try db.execute(
                sql: """
                    ALTER TABLE key_materials ADD COLUMN valid_to REAL;
                    ALTER TABLE key_materials ADD COLUMN description TEXT;
                    UPDATE key_materials SET valid_to = (
                        SELECT k.material_valid_to FROM keys k
                        WHERE k.account = key_materials.account AND k.region = key_materials.region
                            AND k.key_id = key_materials.key_id);
                    """)
        }
        migrator.registerMigration("2026-12-v9-custom-key-stores") { db in
            // Custom key stores (one JSON document each; the name unique per account and Region), and the store of
            // each key that lives in one.
            try db.execute(
                sql: """
                    CREATE TABLE custom_key_stores (
                        account TEXT NOT NULL, region TEXT NOT NULL, id TEXT NOT NULL, revision INTEGER NOT NULL,
                        name TEXT NOT NULL, document TEXT NOT NULL,
                        PRIMARY KEY (account, region, id), UNIQUE (account, region, name)
                    ) WITHOUT ROWID;
                    ALTER TABLE keys ADD COLUMN custom_key_store_id TEXT;
                    ALTER TABLE keys ADD COLUMN cloudhsm_cluster_id TEXT;
                    """)
        }
        migrator.registerMigration("2026-12-v10-external-keys") { db in
            try db.execute(
                sql: """
                    ALTER TABLE keys ADD COLUMN xks_key_id TEXT;
                    ALTER TABLE keys ADD COLUMN state_before_unavailable TEXT;
                    """)
        }
        return migrator
    }

    private static func json(_ value: [String: String]?) -> String? {
        value.flatMap { try? String(decoding: JSONEncoder().encode($0), as: UTF8.self) }
    }

    private static func map(_ text: String?) -> [String: String]? {
        text.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }
    }

    // MARK: Reads

    public func key(_ identity: KeyIdentity) async throws -> KeyRecord? {
        try await pool.read { db in try Self.loadKey(db, identity) }
    }

    public func keys(in scope: Scope) async throws -> [KeyRecord] {
        try await pool.read { db in
            let ids = try String.fetchAll(
                db.cachedStatement(sql: "SELECT key_id FROM keys WHERE account = ? AND region = ? ORDER BY key_id"),
                arguments: [scope.account.rawValue, scope.region.rawValue])
            return try ids.compactMap { raw in
                guard let id = KeyID(raw) else { return nil }
                return try Self.loadKey(db, KeyIdentity(scope: scope, id: id))
            }
        }
    }

    public func alias(_ name: AliasName, in scope: Scope) async throws -> AliasRecord? {
        try await pool.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM aliases WHERE account = ? AND region = ? AND name = ?"),
                arguments: [scope.account.rawValue, scope.region.rawValue, name.rawValue]
            ).flatMap { Self.alias(from: $0, scope: scope) }
        }
    }

    public func aliasPage(in scope: Scope, after: AliasName?, limit: Int, liveAt now: Date) async throws -> [AliasRecord] {
        // The aliases' primary key (account, region, name) gives the order; the key's row is joined by its
        // primary key, so a page costs its size, however many aliases the scope has.
        try await pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT a.* FROM aliases a JOIN keys k
                            ON k.account = a.account AND k.region = a.region AND k.key_id = a.target_key_id
                        WHERE a.account = ? AND a.region = ? AND a.name > ?
                            AND NOT (k.key_state = 'PendingDeletion' AND k.deletion_date IS NOT NULL AND k.deletion_date <= ?)
                        ORDER BY a.name LIMIT ?
                        """),
                arguments: [
                    scope.account.rawValue, scope.region.rawValue, after?.rawValue ?? "", now.timeIntervalSince1970, limit,
                ]
            ).compactMap { Self.alias(from: $0, scope: scope) }
        }
    }

    public func keyPage(in scope: Scope, after: KeyID?, limit: Int, liveAt now: Date) async throws -> [KeyID] {
        try await pool.read { db in
            try String.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT key_id FROM keys
                        WHERE account = ? AND region = ? AND key_id > ?
                            AND NOT (key_state = 'PendingDeletion' AND deletion_date IS NOT NULL AND deletion_date <= ?)
                        ORDER BY key_id LIMIT ?
                        """),
                arguments: [
                    scope.account.rawValue, scope.region.rawValue, after?.rawValue ?? "", now.timeIntervalSince1970, limit,
                ]
            ).compactMap(KeyID.init)
        }
    }

    public func aliases(of key: KeyIdentity) async throws -> [AliasRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT * FROM aliases WHERE account = ? AND region = ? AND target_key_id = ? ORDER BY name"),
                arguments: Self.key(key)
            ).compactMap { Self.alias(from: $0, scope: key.scope) }
        }
    }

    public func aliases(in scope: Scope) async throws -> [AliasRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM aliases WHERE account = ? AND region = ? ORDER BY name"),
                arguments: [scope.account.rawValue, scope.region.rawValue]
            ).compactMap { Self.alias(from: $0, scope: scope) }
        }
    }

    public func keysPendingDeletion(before date: Date) async throws -> [KeyRecord] {
        try await keys(where: "key_state = 'PendingDeletion' AND deletion_date <= ?", date)
    }

    public func keysDueForRotation(before date: Date) async throws -> [KeyRecord] {
        try await keys(where: "key_state = 'Enabled' AND rotation_period_days IS NOT NULL AND next_rotation_date <= ?", date)
    }

    public func keysWithExpiringMaterial(before date: Date) async throws -> [KeyRecord] {
        try await keys(where: "origin = 'EXTERNAL' AND material_valid_to <= ?", date).filter { $0.isMaterialExpired(at: date) }
    }

    /// The keys of every scope matching a condition on one date, for the background passes.
    private func keys(where condition: String, _ date: Date) async throws -> [KeyRecord] {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT account, region, key_id FROM keys WHERE \(condition)", arguments: [date.timeIntervalSince1970])
            return try rows.compactMap { row in
                guard let account = AccountID(row["account"]), let region = Region(row["region"]),
                    let id = KeyID(row["key_id"])
                else { return nil }
                return try Self.loadKey(db, KeyIdentity(scope: Scope(account: account, region: region), id: id))
            }
        }
    }

    /// Every account and Region that holds a key or an alias.
    public func scopes() async throws -> [Scope] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT DISTINCT account, region FROM keys UNION SELECT DISTINCT account, region FROM aliases ORDER BY 1, 2"
            ).compactMap { row in
                guard let account = AccountID(row["account"]), let region = Region(row["region"]) else { return nil }
                return Scope(account: account, region: region)
            }
        }
    }

    public func deleteEverything() async throws {
        try await pool.write { db in
            // The root-key canary stays: the store is still sealed under the same root key.
            for table in ["aliases", "key_grants", "key_tags", "key_materials", "key_last_usage", "keys", "custom_key_stores"] {
                try db.execute(sql: "DELETE FROM \(table)")
            }
        }
    }

    // MARK: Key usage

    public func recordUsage(_ usage: [KeyIdentity: KeyLastUsage]) async throws {
        guard !usage.isEmpty else { return }
        try await pool.write { db in
            for (identity, use) in usage {
                let key: [any DatabaseValueConvertible] = [
                    identity.scope.account.rawValue, identity.scope.region.rawValue, identity.id.rawValue,
                ]
                // Only for a key that still exists, and only if this use is later than the stored one.
                try db.cachedStatement(
                    sql: """
                        INSERT INTO key_last_usage (account, region, key_id, operation, used_at, request_id, event_id)
                        SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM keys WHERE account = ? AND region = ? AND key_id = ?)
                        ON CONFLICT (account, region, key_id) DO UPDATE SET
                            operation = excluded.operation, used_at = excluded.used_at,
                            request_id = excluded.request_id, event_id = excluded.event_id
                        WHERE excluded.used_at > key_last_usage.used_at
                        """
                ).execute(
                    arguments: StatementArguments(
                        key + [use.operation, use.timestamp.timeIntervalSince1970, use.requestID, use.eventID] + key))
            }
        }
    }

    public func lastUsage(of identity: KeyIdentity) async throws -> KeyLastUsage? {
        try await pool.read { db in
            try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT operation, used_at, request_id, event_id FROM key_last_usage
                        WHERE account = ? AND region = ? AND key_id = ?
                        """), arguments: [identity.scope.account.rawValue, identity.scope.region.rawValue, identity.id.rawValue]
            ).map { row in
                KeyLastUsage(
                    operation: row["operation"], timestamp: Date(timeIntervalSince1970: row["used_at"]),
                    requestID: row["request_id"], eventID: row["event_id"])
            }
        }
    }

    public func usageTrackingStart() async throws -> Date {
        try await pool.read { db in
            let seconds = try Double.fetchOne(db, sql: "SELECT value FROM store_facts WHERE name = 'usage_tracking_start'")
            return Date(timeIntervalSince1970: seconds ?? 0)
        }
    }

    public func ping() async throws {
        do {
            _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
        } catch {
            throw StoreError.unavailable("\(error)")
        }
    }

    // MARK: Writes

    /// Change sets waiting for the writer, and whether it is running.
    private struct Queue {
        var pending: [(changes: ChangeSet, done: CheckedContinuation<Void, any Error>)] = []
        var writing = false
    }
    private let queue = Mutex(Queue())
    /// At most this many change sets share one transaction.
    static let groupLimit = 256

    /// Group commit: change sets that arrive while a transaction is being written and synced wait, then go
    /// together in the next transaction, each in its own savepoint (a conflict rolls back that one only). Each
    /// caller is answered once the transaction holding its change is on disk, so one fsync serves many writes.
    public func commit(_ changes: ChangeSet) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            let start = queue.withLock { q in
                q.pending.append((changes, done))
                if q.writing { return false }
                q.writing = true
                return true
            }
            if start { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let batch = queue.withLock { q in
                let batch = Array(q.pending.prefix(Self.groupLimit))
                q.pending.removeFirst(batch.count)
                if batch.isEmpty { q.writing = false }
                return batch
            }
            if batch.isEmpty { return }
            var outcomes = [(any Error)?](repeating: nil, count: batch.count)
            do {
                outcomes = try await pool.write { db in
                    var outcomes = [(any Error)?](repeating: nil, count: batch.count)
                    for (index, item) in batch.enumerated() {
                        do {
                            try db.inSavepoint {
                                try Self.apply(item.changes, db)
                                return .commit
                            }
                        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                            // A uniqueness or foreign-key rule broke: someone else changed what we decided on.
                            outcomes[index] = StoreError.conflict
                        } catch let error as StoreError {
                            outcomes[index] = error
                        }
                    }
                    return outcomes
                }
            } catch {
                // The transaction itself failed (disk full, I/O error): nobody's change is committed.
                outcomes = batch.map { _ in StoreError.unavailable("\(error)") }
            }
            for (item, outcome) in zip(batch, outcomes) {
                if let outcome { item.done.resume(throwing: outcome) } else { item.done.resume() }
            }
        }
    }

    public func rootKeyCanary() async throws -> Data? {
        try await pool.read { db in try Data.fetchOne(db, sql: "SELECT value FROM settings WHERE name = 'root-key-canary'") }
    }

    public func customKeyStores(in scope: Scope) async throws -> [CustomKeyStoreRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, revision, document FROM custom_key_stores WHERE account = ? AND region = ? ORDER BY id",
                arguments: [scope.account.rawValue, scope.region.rawValue]
            ).compactMap { row in
                guard
                    let document = try? JSONDecoder().decode(
                        CustomKeyStoreRecord.Document.self, from: Data((row["document"] as String).utf8))
                else { return nil }
                return CustomKeyStoreRecord(scope: scope, id: row["id"], revision: row["revision"], document: document)
            }
        }
    }

    private static func apply(_ changes: ChangeSet, _ db: Database) throws {
        for change in changes.customKeyStores {
            switch change {
            case .put(let record, let expected):
                let args: [any DatabaseValueConvertible] = [
                    record.scope.account.rawValue, record.scope.region.rawValue, record.id,
                ]
                let current = try Int.fetchOne(
                    db, sql: "SELECT revision FROM custom_key_stores WHERE account = ? AND region = ? AND id = ?",
                    arguments: StatementArguments(args))
                guard current == expected else { throw StoreError.conflict }
                let taken =
                    try Bool.fetchOne(
                        db,
                        sql: "SELECT 1 FROM custom_key_stores WHERE account = ? AND region = ? AND name = ? AND id != ?",
                        arguments: [record.scope.account.rawValue, record.scope.region.rawValue, record.name, record.id]) ?? false
                guard !taken else { throw StoreError.conflict }
                let document = String(decoding: try JSONEncoder().encode(record.document), as: UTF8.self)
                try db.execute(
                    sql: """
                        INSERT INTO custom_key_stores (account, region, id, revision, name, document) VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (account, region, id) DO UPDATE SET revision = excluded.revision, name = excluded.name,
                            document = excluded.document
                        """, arguments: StatementArguments(args + [(expected ?? 0) + 1, record.name, document]))
            case .delete(let scope, let id, let expected):
                let args: [any DatabaseValueConvertible] = [scope.account.rawValue, scope.region.rawValue, id]
                let current = try Int.fetchOne(
                    db, sql: "SELECT revision FROM custom_key_stores WHERE account = ? AND region = ? AND id = ?",
                    arguments: StatementArguments(args))
                guard current == expected else { throw StoreError.conflict }
                try db.execute(
                    sql: "DELETE FROM custom_key_stores WHERE account = ? AND region = ? AND id = ?",
                    arguments: StatementArguments(args))
            }
        }
        if let canary = changes.rootKeyCanary {
            try db.cachedStatement(
                sql:
                    "INSERT INTO settings (name, value) VALUES ('root-key-canary', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value"
            ).execute(arguments: [canary])
        }
        for change in changes.keys {
            switch change {
            case .put(let record, let expected):
                let args = key(record.identity)
                let current = try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT revision FROM keys WHERE account = ? AND region = ? AND key_id = ?"),
                    arguments: args)
                guard current == expected else { throw StoreError.conflict }
                try writeKey(db, record, revision: (expected ?? 0) + 1, isNew: expected == nil)
            case .delete(let identity, let expected):
                let args = key(identity)
                let current = try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT revision FROM keys WHERE account = ? AND region = ? AND key_id = ?"),
                    arguments: args)
                guard current == expected else { throw StoreError.conflict }
                // Material, tags and aliases go with the key (ON DELETE CASCADE).
                try db.cachedStatement(sql: "DELETE FROM keys WHERE account = ? AND region = ? AND key_id = ?").execute(
                    arguments: args)
            }
        }
        for change in changes.aliases {
            switch change {
            case .create(let alias):
                try db.cachedStatement(
                    sql: """
                        INSERT INTO aliases (account, region, name, target_key_id, creation_date, last_updated_date)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """
                ).execute(arguments: [
                    alias.scope.account.rawValue, alias.scope.region.rawValue, alias.name.rawValue,
                    alias.targetKeyID.rawValue, alias.creationDate.timeIntervalSince1970,
                    alias.lastUpdatedDate.timeIntervalSince1970,
                ])
            case .update(let alias, let expectedTarget):
                try db.cachedStatement(
                    sql: """
                        UPDATE aliases SET target_key_id = ?, last_updated_date = ?
                        WHERE account = ? AND region = ? AND name = ? AND target_key_id = ?
                        """
                ).execute(arguments: [
                    alias.targetKeyID.rawValue, alias.lastUpdatedDate.timeIntervalSince1970,
                    alias.scope.account.rawValue, alias.scope.region.rawValue, alias.name.rawValue,
                    expectedTarget.rawValue,
                ])
                guard db.changesCount == 1 else { throw StoreError.conflict }
            case .delete(let scope, let name, let expectedTarget):
                try db.cachedStatement(
                    sql: "DELETE FROM aliases WHERE account = ? AND region = ? AND name = ? AND target_key_id = ?"
                ).execute(arguments: [scope.account.rawValue, scope.region.rawValue, name.rawValue, expectedTarget.rawValue])
                guard db.changesCount == 1 else { throw StoreError.conflict }
            }
        }
    }

    private static func key(_ identity: KeyIdentity) -> StatementArguments {
        [identity.scope.account.rawValue, identity.scope.region.rawValue, identity.id.rawValue]
    }

    private static func writeKey(_ db: Database, _ r: KeyRecord, revision: Int, isNew: Bool) throws {
        let values: [(any DatabaseValueConvertible)?] = [
            r.identity.scope.account.rawValue, r.identity.scope.region.rawValue, r.identity.id.rawValue, revision,
            r.description, r.spec.rawValue, r.usage.rawValue, r.origin.rawValue, r.manager.rawValue, r.state.rawValue,
            r.creationDate.timeIntervalSince1970, r.deletionDate?.timeIntervalSince1970, r.pendingWindowInDays,
            Int(r.currentVersion), r.multiRegion, r.policy, r.rotationPeriodDays, r.nextRotationDate?.timeIntervalSince1970,
            r.materialValidTo?.timeIntervalSince1970, r.importFingerprint, r.primaryRegion?.rawValue,
            r.replicaRegions.map(\.rawValue).joined(separator: ","), r.customKeyStoreID, r.cloudHsmClusterID, r.xksKeyID,
            r.stateBeforeUnavailable?.rawValue,
        ]
        if isNew {
            try db.cachedStatement(
                sql: """
                    INSERT INTO keys (account, region, key_id, revision, description, key_spec, key_usage, origin,
                        key_manager, key_state, creation_date, deletion_date, pending_window_days, current_version,
                        multi_region, policy, rotation_period_days, next_rotation_date, material_valid_to, import_fingerprint,
                        primary_region, replica_regions, custom_key_store_id, cloudhsm_cluster_id, xks_key_id,
                        state_before_unavailable)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: StatementArguments(values))
        } else {
            // An UPDATE, never a REPLACE: a replace would delete the row and cascade to material and aliases.
            let changed = Array(values.dropFirst(3)) + Array(values.prefix(3))  // SET columns, then the key
            try db.cachedStatement(
                sql: """
                    UPDATE keys SET revision = ?, description = ?, key_spec = ?, key_usage = ?, origin = ?,
                        key_manager = ?, key_state = ?, creation_date = ?, deletion_date = ?, pending_window_days = ?,
                        current_version = ?, multi_region = ?, policy = ?, rotation_period_days = ?, next_rotation_date = ?,
                        material_valid_to = ?, import_fingerprint = ?, primary_region = ?, replica_regions = ?,
                        custom_key_store_id = ?, cloudhsm_cluster_id = ?, xks_key_id = ?, state_before_unavailable = ?
                    WHERE account = ? AND region = ? AND key_id = ?
                    """
            ).execute(arguments: StatementArguments(changed))
        }
        let args = key(r.identity)
        // Material versions are added, and imported ones deleted, restored, made current or given a new expiry.
        if !isNew {
            let kept = r.materials.map { Int($0.version) }
            if kept.isEmpty {
                try db.cachedStatement(sql: "DELETE FROM key_materials WHERE account = ? AND region = ? AND key_id = ?").execute(
                    arguments: args)
            } else {
                try db.execute(
                    sql:
                        "DELETE FROM key_materials WHERE account = ? AND region = ? AND key_id = ? AND version NOT IN (\(kept.map(String.init).joined(separator: ",")))",
                    arguments: args)
            }
        }
        for m in r.materials {
            try db.cachedStatement(
                sql: """
                    INSERT INTO key_materials (account, region, key_id, version, material_id, sealed, created_at,
                        rotation_type, valid_to, description)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (account, region, key_id, version) DO UPDATE SET sealed = excluded.sealed,
                        created_at = excluded.created_at, rotation_type = excluded.rotation_type,
                        valid_to = excluded.valid_to, description = excluded.description
                    WHERE key_materials.sealed != excluded.sealed OR key_materials.created_at != excluded.created_at
                        OR key_materials.rotation_type IS NOT excluded.rotation_type
                        OR key_materials.valid_to IS NOT excluded.valid_to
                        OR key_materials.description IS NOT excluded.description
                    """
            ).execute(
                arguments: args + [
                    Int(m.version), m.materialID, m.sealed, m.createdAt.timeIntervalSince1970, m.rotationType,
                    m.validTo?.timeIntervalSince1970, m.materialDescription,
                ])
        }
        if !isNew {
            try db.cachedStatement(sql: "DELETE FROM key_tags WHERE account = ? AND region = ? AND key_id = ?").execute(
                arguments: args)
        }
        if !isNew {
            try db.cachedStatement(sql: "DELETE FROM key_grants WHERE account = ? AND region = ? AND key_id = ?").execute(
                arguments: args)
        }
        for grant in r.grants {
            let values: [(any DatabaseValueConvertible)?] = [
                grant.grantID, grant.token, grant.name, grant.granteePrincipal, grant.retiringPrincipal,
                grant.issuingPrincipal, grant.operations.joined(separator: ","), json(grant.contextSubset),
                json(grant.contextEquals), grant.creationDate.timeIntervalSince1970,
            ]
            try db.cachedStatement(
                sql: """
                    INSERT INTO key_grants (account, region, key_id, grant_id, token, name, grantee_principal,
                        retiring_principal, issuing_principal, operations, context_subset, context_equals, creation_date)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: args + StatementArguments(values))
        }
        for (position, tag) in r.tags.enumerated() {
            try db.cachedStatement(
                sql: "INSERT INTO key_tags (account, region, key_id, position, tag_key, tag_value) VALUES (?, ?, ?, ?, ?, ?)"
            ).execute(arguments: args + [position, tag.key, tag.value])
        }
    }

    private static func loadKey(_ db: Database, _ identity: KeyIdentity) throws -> KeyRecord? {
        let args = key(identity)
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM keys WHERE account = ? AND region = ? AND key_id = ?"), arguments: args),
            let spec = KeySpec(rawValue: row["key_spec"]), let usage = KeyUsage(rawValue: row["key_usage"]),
            let origin = KeyOrigin(rawValue: row["origin"]), let manager = KeyManager(rawValue: row["key_manager"]),
            let state = KeyState(rawValue: row["key_state"])
        else { return nil }
        let materials = try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT * FROM key_materials WHERE account = ? AND region = ? AND key_id = ? ORDER BY version"),
            arguments: args
        ).map { m in
            SealedMaterial(
                version: UInt32(m["version"] as Int), materialID: m["material_id"], sealed: m["sealed"],
                createdAt: Date(timeIntervalSince1970: m["created_at"]), rotationType: m["rotation_type"],
                validTo: (m["valid_to"] as Double?).map(Date.init(timeIntervalSince1970:)), materialDescription: m["description"])
        }
        let tags = try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT tag_key, tag_value FROM key_tags WHERE account = ? AND region = ? AND key_id = ? ORDER BY position"),
            arguments: args
        ).map { Tag(key: $0["tag_key"], value: $0["tag_value"]) }
        let grants = try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT * FROM key_grants WHERE account = ? AND region = ? AND key_id = ? ORDER BY creation_date, grant_id"),
            arguments: args
        ).map { g in
            Grant(
                grantID: g["grant_id"], token: g["token"], name: g["name"], granteePrincipal: g["grantee_principal"],
                retiringPrincipal: g["retiring_principal"], issuingPrincipal: g["issuing_principal"],
                operations: (g["operations"] as String).split(separator: ",").map(String.init),
                contextSubset: map(g["context_subset"]), contextEquals: map(g["context_equals"]),
                creationDate: Date(timeIntervalSince1970: g["creation_date"]))
        }
        let deletion: Double? = row["deletion_date"]
        let nextRotation: Double? = row["next_rotation_date"]
        let validTo: Double? = row["material_valid_to"]
        return KeyRecord(
            identity: identity, revision: row["revision"], description: row["description"], spec: spec, usage: usage,
            origin: origin, manager: manager, state: state,
            creationDate: Date(timeIntervalSince1970: row["creation_date"]),
            deletionDate: deletion.map(Date.init(timeIntervalSince1970:)), pendingWindowInDays: row["pending_window_days"],
            materials: materials, currentVersion: UInt32(row["current_version"] as Int), tags: tags,
            multiRegion: row["multi_region"], policy: row["policy"], grants: grants,
            rotationPeriodDays: row["rotation_period_days"],
            nextRotationDate: nextRotation.map(Date.init(timeIntervalSince1970:)),
            materialValidTo: validTo.map(Date.init(timeIntervalSince1970:)), importFingerprint: row["import_fingerprint"],
            primaryRegion: (row["primary_region"] as String?).flatMap(Region.init),
            replicaRegions: (row["replica_regions"] as String).split(separator: ",").compactMap { Region(String($0)) },
            customKeyStoreID: row["custom_key_store_id"], cloudHsmClusterID: row["cloudhsm_cluster_id"],
            xksKeyID: row["xks_key_id"],
            stateBeforeUnavailable: (row["state_before_unavailable"] as String?).flatMap(KeyState.init(rawValue:))
        )
    }

    private static func alias(from row: Row, scope: Scope) -> AliasRecord? {
        guard let name = AliasName(row["name"]), let target = KeyID(row["target_key_id"]) else { return nil }
        return AliasRecord(
            scope: scope, name: name, targetKeyID: target,
            creationDate: Date(timeIntervalSince1970: row["creation_date"]),
            lastUpdatedDate: Date(timeIntervalSince1970: row["last_updated_date"]))
    }
}
