import Foundation
import Logging
import PostgresNIO
import TrentCore

/// The PostgreSQL schema: named, append-only migrations, applied at start-up (or by `trent migrate`) under an
/// advisory lock, so several nodes starting at once apply each exactly once. A node refuses a database whose
/// schema has a migration it does not know: a newer Trent wrote it.
public enum PostgresSchema {
    /// The advisory lock's key (any fixed 64-bit number; this one spells "trent").
    static let lockKey: Int64 = 0x7472_656E_74

    static let migrations: [(name: String, sql: [String])] = [
        (
            "2026-12-v1-keys-aliases",
            [
                """
                CREATE TABLE trent_keys (
                    account TEXT NOT NULL, region TEXT NOT NULL, key_id TEXT NOT NULL,
                    revision BIGINT NOT NULL, key_state TEXT NOT NULL, deletion_date DOUBLE PRECISION,
                    next_rotation_date DOUBLE PRECISION, material_valid_to DOUBLE PRECISION, origin TEXT NOT NULL,
                    record JSONB NOT NULL,
                    PRIMARY KEY (account, region, key_id)
                )
                """,
                "CREATE INDEX trent_keys_deletion ON trent_keys (deletion_date) WHERE deletion_date IS NOT NULL",
                "CREATE INDEX trent_keys_rotation ON trent_keys (next_rotation_date) WHERE next_rotation_date IS NOT NULL",
                "CREATE INDEX trent_keys_expiry ON trent_keys (material_valid_to) WHERE material_valid_to IS NOT NULL",
                """
                CREATE TABLE trent_aliases (
                    account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, target_key_id TEXT NOT NULL,
                    creation_date DOUBLE PRECISION NOT NULL, last_updated_date DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (account, region, name),
                    FOREIGN KEY (account, region, target_key_id) REFERENCES trent_keys ON DELETE CASCADE
                )
                """,
                "CREATE INDEX trent_aliases_target ON trent_aliases (account, region, target_key_id)",
                """
                CREATE TABLE trent_key_last_usage (
                    account TEXT NOT NULL, region TEXT NOT NULL, key_id TEXT NOT NULL, operation TEXT NOT NULL,
                    used_at DOUBLE PRECISION NOT NULL, request_id TEXT NOT NULL, event_id TEXT NOT NULL,
                    PRIMARY KEY (account, region, key_id),
                    FOREIGN KEY (account, region, key_id) REFERENCES trent_keys ON DELETE CASCADE
                )
                """,
                "CREATE TABLE trent_settings (name TEXT PRIMARY KEY, value BYTEA NOT NULL)",
                "CREATE TABLE trent_facts (name TEXT PRIMARY KEY, value DOUBLE PRECISION NOT NULL)",
                "INSERT INTO trent_facts VALUES ('usage_tracking_start', extract(epoch from now()))",
                """
                CREATE TABLE trent_change_log (
                    id BIGSERIAL PRIMARY KEY, changed_at TIMESTAMPTZ NOT NULL DEFAULT now(), changes TEXT NOT NULL
                )
                """,
            ]
        ),
        (
            "2026-12-v2-custom-key-stores",
            [
                """
                CREATE TABLE trent_custom_key_stores (
                    account TEXT NOT NULL, region TEXT NOT NULL, id TEXT NOT NULL, revision BIGINT NOT NULL,
                    name TEXT NOT NULL, record JSONB NOT NULL,
                    PRIMARY KEY (account, region, id), UNIQUE (account, region, name)
                )
                """
            ]
        ),
    ]

    public enum Failure: Error, CustomStringConvertible {
        case newerSchema([String])
        public var description: String {
            switch self {
            case .newerSchema(let names):
                "the database has migrations this Trent does not know (\(names.joined(separator: ", "))): a newer Trent wrote it"
            }
        }
    }

    /// Applies the migrations this database lacks; returns their names.
    @discardableResult
    public static func migrate(_ client: PostgresClient, logger: Logger) async throws -> [String] {
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(lockKey))", logger: logger)
            do {
                let applied = try await migrate(connection, logger: logger)
                try await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
                throw error
            }
        }
    }

    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws -> [String] {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS trent_migrations (
                name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )
            """, logger: logger)
        var done = Set<String>()
        for try await name in try await connection.query("SELECT name FROM trent_migrations", logger: logger)
            .decode(String.self)
        {
            done.insert(name)
        }
        let unknown = done.subtracting(migrations.map(\.name)).sorted()
        guard unknown.isEmpty else { throw Failure.newerSchema(unknown) }
        var applied: [String] = []
        for migration in migrations where !done.contains(migration.name) {
            try await connection.withTransaction(logger: logger) { connection in
                for statement in migration.sql {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO trent_migrations (name) VALUES (\(migration.name))", logger: logger)
            }
            applied.append(migration.name)
            logger.info("applied PostgreSQL migration", metadata: ["migration": "\(migration.name)"])
        }
        return applied
    }
}
