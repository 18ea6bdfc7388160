import Foundation
import Logging
import Metrics
import NIOCore
import PostgresNIO
import Synchronization
import TrentCore

/// Keys and aliases in PostgreSQL, for several stateless Trent nodes on one database. The same read-decide-commit
/// rules as the SQLite store: a key row's revision is checked in the UPDATE itself, alias names are unique per
/// account and Region by the primary key, and a broken rule is a `StoreError.conflict` for the operation to
/// decide again. Every call is bounded by `timeout`: an unreachable database is `StoreError.unavailable`, never
/// a hang. The client's pool must be running (`run()`, as a service) for calls to proceed.
public final class PostgresKeyStore: KeyStore {
    public let endpoints: PostgresEndpoints
    /// The client of the server in use now (it changes when a standby is promoted).
    public var client: PostgresClient { endpoints.client }
    let logger: Logger
    let timeout: Duration

    private let inFlight = Atomic<Int>(0)

    /// This process's name in the change log (random per start).
    public let node = RandomUUID.make()

    public convenience init(client: PostgresClient, timeout: Duration = .seconds(5), logger: Logger) {
        self.init(endpoints: PostgresEndpoints(client: client, logger: logger), timeout: timeout, logger: logger)
    }

    public init(endpoints: PostgresEndpoints, timeout: Duration = .seconds(5), logger: Logger) {
        self.endpoints = endpoints
        self.timeout = timeout
        self.logger = logger
    }

    // MARK: Bounded calls

    /// Runs `body` against the database, within `timeout`; connection and server failures become
    /// `StoreError.unavailable`, a broken uniqueness, foreign-key or serialization rule `StoreError.conflict`.
    func bounded<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let timeout = self.timeout
        let started = ContinuousClock.now
        // Calls under way (each holds or waits for one of the pool's connections): the pool's load as Trent sees it.
        Gauge(label: "trent_store_calls_in_flight", dimensions: [("store", "postgres")])
            .record(inFlight.add(1, ordering: .relaxed).newValue)
        defer {
            Self.callDuration.record(duration: ContinuousClock.now - started)
            Gauge(label: "trent_store_calls_in_flight", dimensions: [("store", "postgres")])
                .record(inFlight.subtract(1, ordering: .relaxed).newValue)
        }
        do {
            return try await Self.withDeadline(timeout, body)
        } catch let error as StoreError {
            Self.count(error)
            if error != .conflict { endpoints.suspectPrimaryLost() }
            throw error
        }
    }

    /// Every storage call's duration (waiting for a pooled connection included), and failures by kind.
    /// (Made per call, not once: a timer made before `trent serve` bootstraps Prometheus would stay a no-op.)
    static var callDuration: Timer { Timer(label: "trent_store_call_duration_seconds", dimensions: [("store", "postgres")]) }

    static func count(_ error: StoreError) {
        let kind = error == .conflict ? "conflict" : "unavailable"
        Counter(label: "trent_store_errors_total", dimensions: [("store", "postgres"), ("kind", kind)]).increment()
    }

    /// Every failure as the store reports it: a broken uniqueness, foreign-key, serialization or deadlock rule is a
    /// conflict to decide again, anything else the database being unavailable.
    static func map(_ error: any Error) -> StoreError {
        switch error {
        case let error as StoreError: return error
        case let error as PostgresTransactionError:
            // The closure's own error (a conflict it found, or a failed statement) or the commit's.
            return (error.closureError ?? error.commitError ?? error.beginError).map(map)
                ?? StoreError.unavailable("a transaction failed")
        case let error as PSQLError:
            switch error.serverInfo?[.sqlState] {
            case "23505", "23503", "40001", "40P01": return StoreError.conflict
            default: return StoreError.unavailable(Self.describe(error))
            }
        case is CancellationError: return StoreError.unavailable("the request was cancelled")
        default: return StoreError.unavailable(String(describing: type(of: error)))
        }
    }

    /// Races the call against the timeout and answers at whichever comes first. The call is not awaited past
    /// the timeout (a connection attempt that ignores cancellation must not hold the request): it is cancelled
    /// and left to finish on its own.
    static func withDeadline<T: Sendable>(
        _ timeout: Duration, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let race = Race<T>()
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            race.start(continuation)
            let work = Task {
                do {
                    race.finish(.success(try await body()))
                } catch {
                    race.finish(.failure(map(error)))
                }
            }
            race.timer(
                Task {
                    try? await Task.sleep(for: timeout)
                    guard !Task.isCancelled else { return }
                    race.finish(.failure(StoreError.unavailable("no answer from PostgreSQL within \(timeout)")))
                    work.cancel()
                })
        }
    }

    /// The first of the call and the timeout to finish answers; the other is ignored.
    final class Race<T: Sendable>: Sendable {
        private let waiting = Mutex<CheckedContinuation<T, any Error>?>(nil)
        private let clock = Mutex<(task: Task<Void, Never>?, done: Bool)>((nil, false))

        func start(_ continuation: CheckedContinuation<T, any Error>) { waiting.withLock { $0 = continuation } }

        /// The timeout's task, cancelled as soon as the call answers (no sleeping task outlives its request).
        func timer(_ task: Task<Void, Never>) {
            let done = clock.withLock { c -> Bool in
                c.task = task
                return c.done
            }
            if done { task.cancel() }
        }

        func finish(_ result: Result<T, any Error>) {
            let continuation = waiting.withLock { value -> CheckedContinuation<T, any Error>? in
                defer { value = nil }
                return value
            }
            continuation?.resume(with: result)
            clock.withLock { c -> Task<Void, Never>? in
                c.done = true
                return c.task
            }?.cancel()
        }
    }

    /// A PSQLError's code and the server's SQLSTATE and message: never the query's bound values.
    static func describe(_ error: PSQLError) -> String {
        var text = "\(error.code)"
        if let state = error.serverInfo?[.sqlState] { text += " \(state)" }
        if let message = error.serverInfo?[.message] { text += ": \(message)" }
        return text
    }

    // MARK: Reads

    static let keyColumns = "account, region, key_id, revision, record::text"

    static func keyRecord(_ row: PostgresRow) throws -> KeyRecord? {
        let (account, region, id, revision, document) = try row.decode((String, String, String, Int, String).self)
        guard let account = AccountID(account), let region = Region(region), let id = KeyID(id),
            let stored = try? JSONDecoder().decode(StoredKey.self, from: Data(document.utf8))
        else { return nil }
        return stored.record(KeyIdentity(scope: Scope(account: account, region: region), id: id), revision: revision)
    }

    func keys(_ query: PostgresQuery) async throws -> [KeyRecord] {
        try await bounded { [client] in
            var records: [KeyRecord] = []
            for try await row in try await client.query(query) {
                if let record = try Self.keyRecord(row) { records.append(record) }
            }
            return records
        }
    }

    public func key(_ identity: KeyIdentity) async throws -> KeyRecord? {
        let (account, region, id) = Self.columns(identity)
        return try await keys(
            "SELECT \(unescaped: Self.keyColumns) FROM trent_keys WHERE account = \(account) AND region = \(region) AND key_id = \(id)"
        ).first
    }

    public func keys(in scope: Scope) async throws -> [KeyRecord] {
        try await keys(
            "SELECT \(unescaped: Self.keyColumns) FROM trent_keys WHERE account = \(scope.account.rawValue) AND region = \(scope.region.rawValue) ORDER BY key_id"
        )
    }

    public func keyPage(in scope: Scope, after: KeyID?, limit: Int, liveAt now: Date) async throws -> [KeyID] {
        let (account, region, start, seconds) = (
            scope.account.rawValue, scope.region.rawValue, after?.rawValue ?? "", now.timeIntervalSince1970
        )
        return try await bounded { [client] in
            var ids: [KeyID] = []
            let rows = try await client.query(
                """
                SELECT key_id FROM trent_keys
                WHERE account = \(account) AND region = \(region) AND key_id > \(start)
                    AND NOT (key_state = 'PendingDeletion' AND deletion_date IS NOT NULL AND deletion_date <= \(seconds))
                ORDER BY key_id LIMIT \(limit)
                """)
            for try await id in rows.decode(String.self) { if let id = KeyID(id) { ids.append(id) } }
            return ids
        }
    }

    static func aliasRecord(_ row: PostgresRow, scope: Scope) throws -> AliasRecord? {
        let (name, target, created, updated) = try row.decode((String, String, Double, Double).self)
        guard let name = AliasName(name), let target = KeyID(target) else { return nil }
        return AliasRecord(
            scope: scope, name: name, targetKeyID: target, creationDate: Date(timeIntervalSince1970: created),
            lastUpdatedDate: Date(timeIntervalSince1970: updated))
    }

    func aliases(_ query: PostgresQuery, scope: Scope) async throws -> [AliasRecord] {
        try await bounded { [client] in
            var aliases: [AliasRecord] = []
            for try await row in try await client.query(query) {
                if let alias = try Self.aliasRecord(row, scope: scope) { aliases.append(alias) }
            }
            return aliases
        }
    }

    public func alias(_ name: AliasName, in scope: Scope) async throws -> AliasRecord? {
        try await aliases(
            """
            SELECT name, target_key_id, creation_date, last_updated_date FROM trent_aliases
            WHERE account = \(scope.account.rawValue) AND region = \(scope.region.rawValue) AND name = \(name.rawValue)
            """, scope: scope
        ).first
    }

    public func aliases(in scope: Scope) async throws -> [AliasRecord] {
        try await aliases(
            """
            SELECT name, target_key_id, creation_date, last_updated_date FROM trent_aliases
            WHERE account = \(scope.account.rawValue) AND region = \(scope.region.rawValue) ORDER BY name
            """, scope: scope)
    }

    public func aliases(of key: KeyIdentity) async throws -> [AliasRecord] {
        let (account, region, id) = Self.columns(key)
        return try await aliases(
            """
            SELECT name, target_key_id, creation_date, last_updated_date FROM trent_aliases
            WHERE account = \(account) AND region = \(region) AND target_key_id = \(id) ORDER BY name
            """, scope: key.scope)
    }

    public func aliasPage(in scope: Scope, after: AliasName?, limit: Int, liveAt now: Date) async throws -> [AliasRecord] {
        // The aliases' primary key gives the order, the key row is joined by its primary key: a page costs its size.
        try await aliases(
            """
            SELECT a.name, a.target_key_id, a.creation_date, a.last_updated_date FROM trent_aliases a
                JOIN trent_keys k ON k.account = a.account AND k.region = a.region AND k.key_id = a.target_key_id
            WHERE a.account = \(scope.account.rawValue) AND a.region = \(scope.region.rawValue)
                AND a.name > \(after?.rawValue ?? "")
                AND NOT (k.key_state = 'PendingDeletion' AND k.deletion_date IS NOT NULL
                    AND k.deletion_date <= \(now.timeIntervalSince1970))
            ORDER BY a.name LIMIT \(limit)
            """, scope: scope)
    }

    public func keysPendingDeletion(before date: Date) async throws -> [KeyRecord] {
        try await keys(
            "SELECT \(unescaped: Self.keyColumns) FROM trent_keys WHERE key_state = 'PendingDeletion' AND deletion_date <= \(date.timeIntervalSince1970)"
        )
    }

    public func keysDueForRotation(before date: Date) async throws -> [KeyRecord] {
        try await keys(
            "SELECT \(unescaped: Self.keyColumns) FROM trent_keys WHERE key_state = 'Enabled' AND next_rotation_date <= \(date.timeIntervalSince1970)"
        ).filter { $0.rotationPeriodDays != nil }
    }

    public func keysWithExpiringMaterial(before date: Date) async throws -> [KeyRecord] {
        try await keys(
            "SELECT \(unescaped: Self.keyColumns) FROM trent_keys WHERE origin = 'EXTERNAL' AND material_valid_to <= \(date.timeIntervalSince1970)"
        ).filter { $0.isMaterialExpired(at: date) }
    }

    public func scopes() async throws -> [Scope] {
        try await bounded { [client] in
            var scopes: [Scope] = []
            let rows = try await client.query(
                "SELECT DISTINCT account, region FROM trent_keys UNION SELECT DISTINCT account, region FROM trent_aliases ORDER BY 1, 2"
            )
            for try await (account, region) in rows.decode((String, String).self) {
                if let account = AccountID(account), let region = Region(region) {
                    scopes.append(Scope(account: account, region: region))
                }
            }
            return scopes
        }
    }

    public func customKeyStores(in scope: Scope) async throws -> [CustomKeyStoreRecord] {
        try await bounded { [client] in
            let rows = try await client.query(
                """
                SELECT id, revision, record::text FROM trent_custom_key_stores
                WHERE account = \(scope.account.rawValue) AND region = \(scope.region.rawValue) ORDER BY id
                """)
            var stores: [CustomKeyStoreRecord] = []
            for try await (id, revision, text) in rows.decode((String, Int, String).self) {
                if let document = try? JSONDecoder().decode(CustomKeyStoreRecord.Document.self, from: Data(text.utf8)),
                    let record = CustomKeyStoreRecord(scope: scope, id: id, revision: revision, document: document)
                {
                    stores.append(record)
                }
            }
            return stores
        }
    }

    public func rootKeyCanary() async throws -> Data? {
        try await bounded { [client] in
            let rows = try await client.query("SELECT value FROM trent_settings WHERE name = 'root-key-canary'")
            for try await value in rows.decode(Data.self) { return value }
            return nil
        }
    }

    public func ping() async throws {
        try await bounded { [client] in
            let rows = try await client.query("SELECT 1")
            for try await _ in rows {}
        }
    }

    // MARK: Key usage

    public func recordUsage(_ usage: [KeyIdentity: KeyLastUsage]) async throws {
        guard !usage.isEmpty else { return }
        try await bounded { [client, logger] in
            try await client.withTransaction(logger: logger) { connection in
                for (identity, use) in usage {
                    let (account, region, id) = Self.columns(identity)
                    // Only for a key that still exists, and only if this use is later than the stored one.
                    try await connection.query(
                        """
                        INSERT INTO trent_key_last_usage (account, region, key_id, operation, used_at, request_id, event_id)
                        SELECT \(account), \(region), \(id), \(use.operation), \(use.timestamp.timeIntervalSince1970),
                            \(use.requestID), \(use.eventID)
                        WHERE EXISTS (SELECT 1 FROM trent_keys WHERE account = \(account) AND region = \(region) AND key_id = \(id))
                        ON CONFLICT (account, region, key_id) DO UPDATE SET
                            operation = excluded.operation, used_at = excluded.used_at,
                            request_id = excluded.request_id, event_id = excluded.event_id
                        WHERE excluded.used_at > trent_key_last_usage.used_at
                        """, logger: logger)
                }
            }
        }
    }

    public func lastUsage(of identity: KeyIdentity) async throws -> KeyLastUsage? {
        let (account, region, id) = Self.columns(identity)
        return try await bounded { [client] in
            let rows = try await client.query(
                """
                SELECT operation, used_at, request_id, event_id FROM trent_key_last_usage
                WHERE account = \(account) AND region = \(region) AND key_id = \(id)
                """)
            for try await (operation, usedAt, requestID, eventID) in rows.decode((String, Double, String, String).self) {
                return KeyLastUsage(
                    operation: operation, timestamp: Date(timeIntervalSince1970: usedAt), requestID: requestID,
                    eventID: eventID)
            }
            return nil
        }
    }

    public func usageTrackingStart() async throws -> Date {
        try await bounded { [client] in
            let rows = try await client.query("SELECT value FROM trent_facts WHERE name = 'usage_tracking_start'")
            for try await seconds in rows.decode(Double.self) { return Date(timeIntervalSince1970: seconds) }
            return Date(timeIntervalSince1970: 0)
        }
    }

    // MARK: Writes

    public func deleteEverything() async throws {
        try await bounded { [client, logger, node] in
            try await client.withTransaction(logger: logger) { connection in
                // The root-key canary stays: the store is still sealed under the same root key.
                try await connection.query("DELETE FROM trent_aliases", logger: logger)
                try await connection.query("DELETE FROM trent_key_last_usage", logger: logger)
                try await connection.query("DELETE FROM trent_keys", logger: logger)
                try await connection.query("DELETE FROM trent_custom_key_stores", logger: logger)
                try await Self.announce(ChangeNotice.everything, node: node, connection, logger)
            }
        }
    }

    public func commit(_ changes: ChangeSet) async throws {
        try await bounded { [client, logger, node] in
            try await client.withTransaction(logger: logger) { connection in
                try await Self.apply(changes, connection, logger, node: node)
            }
        }
    }

    static func columns(_ identity: KeyIdentity) -> (String, String, String) {
        (identity.scope.account.rawValue, identity.scope.region.rawValue, identity.id.rawValue)
    }

    /// A revision- or target-checked UPDATE or DELETE (`RETURNING 1`) that did not change exactly one row decided on
    /// a state someone else has changed since: a conflict, read again and decide again.
    static func requireOneRow(_ rows: PostgresRowSequence) async throws {
        var count = 0
        for try await _ in rows { count += 1 }
        guard count == 1 else { throw StoreError.conflict }
    }

    static func apply(
        _ changes: ChangeSet, _ connection: PostgresConnection, _ logger: Logger, node: String
    ) async throws {
        if let canary = changes.rootKeyCanary {
            try await connection.query(
                """
                INSERT INTO trent_settings (name, value) VALUES ('root-key-canary', \(canary))
                ON CONFLICT (name) DO UPDATE SET value = excluded.value
                """, logger: logger)
        }
        for change in changes.customKeyStores {
            switch change {
            case .put(let record, let expected):
                let (account, region) = (record.scope.account.rawValue, record.scope.region.rawValue)
                let document = String(decoding: try JSONEncoder().encode(record.document), as: UTF8.self)
                if let expected {
                    // A name another store holds breaks the unique constraint: a conflict.
                    let updated = try await connection.query(
                        """
                        UPDATE trent_custom_key_stores SET revision = \(expected + 1), name = \(record.name),
                            record = \(document)::jsonb
                        WHERE account = \(account) AND region = \(region) AND id = \(record.id) AND revision = \(expected)
                        RETURNING 1
                        """, logger: logger)
                    try await Self.requireOneRow(updated)
                } else {
                    try await connection.query(
                        """
                        INSERT INTO trent_custom_key_stores (account, region, id, revision, name, record)
                        VALUES (\(account), \(region), \(record.id), 1, \(record.name), \(document)::jsonb)
                        """, logger: logger)
                }
            case .delete(let scope, let id, let expected):
                let deleted = try await connection.query(
                    """
                    DELETE FROM trent_custom_key_stores
                    WHERE account = \(scope.account.rawValue) AND region = \(scope.region.rawValue) AND id = \(id)
                        AND revision = \(expected)
                    RETURNING 1
                    """, logger: logger)
                try await Self.requireOneRow(deleted)
            }
        }
        var notices: [String] = []
        for change in changes.keys {
            switch change {
            case .put(let record, let expected):
                let (account, region, id) = columns(record.identity)
                let document = String(decoding: try JSONEncoder().encode(StoredKey(record)), as: UTF8.self)
                let state = record.state.rawValue
                let deletion = record.deletionDate?.timeIntervalSince1970
                let rotation = record.rotationPeriodDays == nil ? nil : record.nextRotationDate?.timeIntervalSince1970
                let validTo = record.materialValidTo?.timeIntervalSince1970
                let origin = record.origin.rawValue
                if let expected {
                    let updated = try await connection.query(
                        """
                        UPDATE trent_keys SET revision = \(expected + 1), key_state = \(state), deletion_date = \(deletion),
                            next_rotation_date = \(rotation), material_valid_to = \(validTo), origin = \(origin),
                            record = \(document)::jsonb
                        WHERE account = \(account) AND region = \(region) AND key_id = \(id) AND revision = \(expected)
                        RETURNING 1
                        """, logger: logger)
                    try await Self.requireOneRow(updated)
                } else {
                    // A duplicate key id breaks the primary key: a conflict, as in every store.
                    try await connection.query(
                        """
                        INSERT INTO trent_keys (account, region, key_id, revision, key_state, deletion_date,
                            next_rotation_date, material_valid_to, origin, record)
                        VALUES (\(account), \(region), \(id), 1, \(state), \(deletion), \(rotation), \(validTo), \(origin),
                            \(document)::jsonb)
                        """, logger: logger)
                }
                notices.append(ChangeNotice.key(record.identity))
            case .delete(let identity, let expected):
                let (account, region, id) = columns(identity)
                // Aliases and usage go with the key (ON DELETE CASCADE).
                let deleted = try await connection.query(
                    """
                    DELETE FROM trent_keys
                    WHERE account = \(account) AND region = \(region) AND key_id = \(id) AND revision = \(expected)
                    RETURNING 1
                    """, logger: logger)
                try await Self.requireOneRow(deleted)
                notices.append(ChangeNotice.key(identity))
                notices.append(ChangeNotice.aliases(of: identity.scope))
            }
        }
        for change in changes.aliases {
            switch change {
            case .create(let alias):
                try await connection.query(
                    """
                    INSERT INTO trent_aliases (account, region, name, target_key_id, creation_date, last_updated_date)
                    VALUES (\(alias.scope.account.rawValue), \(alias.scope.region.rawValue), \(alias.name.rawValue),
                        \(alias.targetKeyID.rawValue), \(alias.creationDate.timeIntervalSince1970),
                        \(alias.lastUpdatedDate.timeIntervalSince1970))
                    """, logger: logger)
                notices.append(ChangeNotice.aliases(of: alias.scope))
            case .update(let alias, let expectedTarget):
                let updated = try await connection.query(
                    """
                    UPDATE trent_aliases SET target_key_id = \(alias.targetKeyID.rawValue),
                        last_updated_date = \(alias.lastUpdatedDate.timeIntervalSince1970)
                    WHERE account = \(alias.scope.account.rawValue) AND region = \(alias.scope.region.rawValue)
                        AND name = \(alias.name.rawValue) AND target_key_id = \(expectedTarget.rawValue)
                    RETURNING 1
                    """, logger: logger)
                try await Self.requireOneRow(updated)
                notices.append(ChangeNotice.aliases(of: alias.scope))
            case .delete(let scope, let name, let expectedTarget):
                let deleted = try await connection.query(
                    """
                    DELETE FROM trent_aliases
                    WHERE account = \(scope.account.rawValue) AND region = \(scope.region.rawValue)
                        AND name = \(name.rawValue) AND target_key_id = \(expectedTarget.rawValue)
                    RETURNING 1
                    """, logger: logger)
                try await Self.requireOneRow(deleted)
                notices.append(ChangeNotice.aliases(of: scope))
            }
        }
        if !notices.isEmpty {
            let payload = Array(Set(notices)).sorted().joined(separator: ",")
            try await announce(
                payload.utf8.count < 7000 ? payload : ChangeNotice.everything, node: node, connection, logger)
        }
    }

    /// Tells the other nodes, in the committing transaction (delivered at commit, not before): a change-log row, for
    /// a node that misses the notification, and a notification. The row names the node that committed (it has
    /// invalidated its own cache already); the notification carries the row's id too, so the log reader skips what
    /// a notification delivered.
    static func announce(
        _ changes: String, node: String, _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        let entry = node + "|" + changes
        try await connection.query(
            "WITH logged AS (INSERT INTO trent_change_log (changes) VALUES (\(entry)) RETURNING id, changes) SELECT pg_notify('trent_changes', id || '|' || changes) FROM logged",
            logger: logger)
    }
}

extension PostgresKeyStore: JobLeases {
    /// A session-level advisory lock per job, held on one leased connection while the job runs (a node that
    /// dies releases it with its connection). The job's own statements use other connections of the pool.
    public func runExclusively(_ job: String, _ body: @Sendable () async throws -> Void) async throws -> Bool {
        // FNV-1a of the job's name, in the lock space beside the migrations' key.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "trent-job:\(job)".utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let key = Int64(bitPattern: hash)
        let logger = self.logger
        return try await client.withConnection { connection in
            var acquired = false
            for try await granted in try await connection.query("SELECT pg_try_advisory_lock(\(key))", logger: logger)
                .decode(Bool.self)
            {
                acquired = granted
            }
            guard acquired else { return false }
            do {
                try await body()
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
                throw error
            }
            try await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
            return true
        }
    }
}
