import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The database a store talks to: one server, or several (`postgres://u@a:5432,b:5432/db`) of which Trent
/// writes only to the one not in recovery. When calls start failing, the hosts are probed again (at most once a
/// second), so after the primary is lost and a standby promoted, Trent moves to it by itself.
public final class PostgresEndpoints: Sendable {
    struct Current {
        var client: PostgresClient
        var runner: Task<Void, Never>?
        var host: Int
        var lastProbe: ContinuousClock.Instant?
        var probing = false
    }

    let configurations: [PostgresClient.Configuration]
    let names: [String]
    let logger: Logger
    private let current: Mutex<Current>

    /// The client of the server in use now.
    public var client: PostgresClient { current.withLock { $0.client } }
    /// Which of the URL's hosts is in use (its position).
    public var host: Int { current.withLock { $0.host } }

    /// One client that never moves (tests, single-host URLs given as a client).
    public init(client: PostgresClient, logger: Logger) {
        configurations = []
        names = []
        self.logger = logger
        current = Mutex(Current(client: client, runner: nil, host: 0))
    }

    init(configurations: [PostgresClient.Configuration], names: [String], logger: Logger) {
        self.configurations = configurations
        self.names = names
        self.logger = logger
        let client = PostgresClient(configuration: configurations[0], backgroundLogger: logger)
        let runner = Task { await client.run() }
        current = Mutex(Current(client: client, runner: runner, host: 0))
    }

    /// Connects to the URL's hosts: with several, to the first that is not in recovery.
    public static func connect(_ url: PostgresStoreURL, logger: Logger) async -> PostgresEndpoints {
        let endpoints = PostgresEndpoints(
            configurations: url.configurations(), names: url.hosts.map { "\($0.host):\($0.port)" }, logger: logger)
        if url.hosts.count > 1 { await endpoints.probe() }
        return endpoints
    }

    /// A call failed in a way a lost or demoted primary would explain: look for the primary again, unless a look
    /// is under way or was taken less than a second ago.
    public func suspectPrimaryLost() {
        guard configurations.count > 1 else { return }
        let go = current.withLock { c -> Bool in
            if c.probing { return false }
            if let last = c.lastProbe, ContinuousClock.now - last < .seconds(1) { return false }
            c.probing = true
            return true
        }
        if go { Task { await probe() } }
    }

    /// Asks each host whether it is in recovery; moves to the first that is not.
    func probe() async {
        defer {
            current.withLock { c in
                c.probing = false
                c.lastProbe = .now
            }
        }
        for (index, configuration) in configurations.enumerated() {
            let candidate = PostgresClient(configuration: configuration, backgroundLogger: logger)
            let runner = Task { await candidate.run() }
            let primary: Bool
            do {
                primary = try await PostgresKeyStore.withDeadline(.seconds(2)) {
                    var inRecovery = true
                    for try await value in try await candidate.query("SELECT pg_is_in_recovery()").decode(Bool.self) {
                        inRecovery = value
                    }
                    return !inRecovery
                }
            } catch {
                primary = false
            }
            guard primary else {
                runner.cancel()
                continue
            }
            let replaced = current.withLock { c -> (Task<Void, Never>?, Int)? in
                guard c.host != index || c.runner == nil else { return nil }
                defer {
                    c.client = candidate
                    c.runner = runner
                    c.host = index
                }
                return (c.runner, c.host)
            }
            if let (old, from) = replaced {
                logger.warning(
                    "PostgreSQL primary is now \(names[index]) (was \(names[from])); writes go there")
                // Calls in flight on the old client finish or fail on their own; then its pool closes.
                Task {
                    try? await Task.sleep(for: .seconds(10))
                    old?.cancel()
                }
            } else {
                runner.cancel()
            }
            return
        }
        logger.warning("no PostgreSQL host answered as a primary; will look again")
    }

    public func close() {
        current.withLock { $0.runner }?.cancel()
    }
}
