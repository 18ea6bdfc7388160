import Foundation
import Logging
import PostgresNIO
import Testing
import TrentCore
import TrentPostgres
import TrentSQLite

/// The stores the contract tests run against. PostgreSQL is among them when `TRENT_TEST_POSTGRES` names a server
/// (the test command starts one on loopback): then each test gets a database of its own.
enum StoreKind: String, Sendable, CustomTestStringConvertible {
    case memory, sqlite, postgres
    var testDescription: String { rawValue }
}

final class StoreHarness: @unchecked Sendable {
    static var kinds: [StoreKind] {
        ProcessInfo.processInfo.environment["TRENT_TEST_POSTGRES"] == nil
            ? [.memory, .sqlite] : [.memory, .sqlite, .postgres]
    }

    let kind: StoreKind
    let directory: URL
    private var memory: InMemoryKeyStore?
    private var databaseURL: String?
    private var clients: [(PostgresClient, Task<Void, Never>)] = []
    private var tasks: [Task<Void, Never>] = []

    /// A task to cancel when the test ends (a node's change follower).
    func cancelOnClose(_ task: Task<Void, Never>) { tasks.append(task) }

    init(_ kind: StoreKind, directory: URL) async throws {
        self.kind = kind
        self.directory = directory
        if kind == .postgres, let admin = ProcessInfo.processInfo.environment["TRENT_TEST_POSTGRES"] {
            let name = "trent_test_" + RandomUUID.make().replacingOccurrences(of: "-", with: "")
            let client = try client(admin)
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
            var components = URLComponents(string: admin)!
            components.path = "/" + name
            databaseURL = components.string
        }
    }

    private func client(_ url: String) throws -> PostgresClient {
        let client = PostgresClient(
            configuration: try PostgresStoreURL(url).configuration(), backgroundLogger: Logger(label: "test"))
        clients.append((client, Task { await client.run() }))
        return client
    }

    /// The store; opened again, the same data (a new SQLite connection pool, a new PostgreSQL client).
    func open() async throws -> any KeyStore {
        switch kind {
        case .memory:
            if memory == nil { memory = InMemoryKeyStore() }
            return memory!
        case .sqlite:
            return try SQLiteKeyStore(directory: directory)
        case .postgres:
            let client = try client(databaseURL!)
            try await PostgresSchema.migrate(client, logger: Logger(label: "test"))
            return PostgresKeyStore(client: client, logger: Logger(label: "test"))
        }
    }

    func close() {
        for task in tasks { task.cancel() }
        for (_, task) in clients { task.cancel() }
    }
}
