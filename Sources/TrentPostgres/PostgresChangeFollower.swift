import Foundation
import Logging
import PostgresNIO
import Synchronization
import TrentCore

/// Keeps this node's cache in step with what other nodes commit to the same database. Every commit writes a row
/// of the change log and a notification on `trent_changes` in its transaction; this follower LISTENs for the
/// notifications (a change is dropped from the cache in milliseconds) and reads the change log every second as
/// the fallback for a notification it missed (connection lost, listener restarted). When it cannot tell what it
/// missed (it was disconnected, or too far behind) it drops the whole cache.
public final class PostgresChangeFollower: Sendable {
    let client: PostgresClient
    let cache: CachedKeyStore
    let logger: Logger
    let interval: Duration

    public init(client: PostgresClient, cache: CachedKeyStore, logger: Logger, interval: Duration = .seconds(1)) {
        self.client = client
        self.cache = cache
        self.logger = logger
        self.interval = interval
    }

    /// Applies one change-log entry or notification payload: `k:ACCOUNT:REGION:KEYID` and `a:ACCOUNT:REGION`,
    /// comma-separated, or `*` for everything.
    public func apply(_ payload: String) {
        if payload == "*" {
            cache.invalidateAll()
            return
        }
        var keys: [KeyIdentity] = []
        var scopes: [Scope] = []
        for item in payload.split(separator: ",") {
            let parts = item.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 3, let account = AccountID(parts[1]), let region = Region(parts[2]) else {
                cache.invalidateAll()
                return
            }
            let scope = Scope(account: account, region: region)
            if parts[0] == "k", parts.count == 4, let id = KeyID(parts[3]) {
                keys.append(KeyIdentity(scope: scope, id: id))
            } else if parts[0] == "a" {
                scopes.append(scope)
            } else {
                cache.invalidateAll()
                return
            }
        }
        cache.invalidate(keys: keys, aliasScopes: scopes)
    }

    /// Runs until cancelled: the listener and the change-log reader side by side.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.listen() }
            group.addTask { await self.poll() }
        }
    }

    func listen() async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: "trent_changes") { notifications in
                        // Whatever happened while no one listened is unknown: start from a clean cache.
                        cache.invalidateAll()
                        for try await notification in notifications { apply(notification.payload) }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("change notifications interrupted; reconnecting", metadata: ["error": "\(type(of: error))"])
            }
            cache.invalidateAll()
            try? await Task.sleep(for: interval)
        }
    }

    /// The change log's ids come from a sequence: a transaction that took its id earlier may commit later, and a
    /// rolled-back one leaves a hole. So the reader keeps a watermark below which everything was seen, remembers
    /// the ids seen above it, and gives up waiting for a hole after `holePatience`.
    struct Watermark {
        var below: Int64
        var seenAbove: Set<Int64> = []
        var holes: [Int64: ContinuousClock.Instant] = [:]

        mutating func advance(now: ContinuousClock.Instant, patience: Duration) {
            while true {
                let next = below + 1
                if seenAbove.remove(next) != nil || holes[next].map({ now - $0 > patience }) == true {
                    holes[next] = nil
                    below = next
                } else {
                    return
                }
            }
        }
    }

    static let holePatience = Duration.seconds(15)
    static let batchLimit = 5000

    func poll() async {
        var mark: Watermark?
        while !Task.isCancelled {
            do {
                if mark == nil {
                    // Start at the log's end: the cache is empty or was just dropped.
                    var end: Int64 = 0
                    for try await id in try await client.query("SELECT coalesce(max(id), 0) FROM trent_change_log")
                        .decode(Int64.self)
                    {
                        end = id
                    }
                    mark = Watermark(below: end)
                    cache.invalidateAll()
                }
                let below = mark!.below
                var rows: [(Int64, String)] = []
                for try await row in try await client.query(
                    "SELECT id, changes FROM trent_change_log WHERE id > \(below) ORDER BY id LIMIT \(Self.batchLimit)"
                ).decode((Int64, String).self) {
                    rows.append(row)
                }
                if rows.count == Self.batchLimit {
                    mark = nil  // too far behind to replay: drop everything and start again at the end
                    continue
                }
                let now = ContinuousClock.now
                var expected = below + 1
                for (id, changes) in rows where !mark!.seenAbove.contains(id) {
                    while expected < id {
                        if mark!.holes[expected] == nil && !mark!.seenAbove.contains(expected) {
                            mark!.holes[expected] = now
                        }
                        expected += 1
                    }
                    expected = id + 1
                    mark!.seenAbove.insert(id)
                    apply(changes)
                }
                mark!.advance(now: now, patience: Self.holePatience)
                try await pruneOccasionally()
            } catch {
                if Task.isCancelled { return }
                logger.warning("change log unreadable; the cache will be dropped", metadata: ["error": "\(type(of: error))"])
                mark = nil
            }
            try? await Task.sleep(for: interval)
        }
    }

    private let lastPrune = Mutex(ContinuousClock.now)

    /// Entries older than an hour are of no use to anyone; one node at a time removes them.
    func pruneOccasionally() async throws {
        let due = lastPrune.withLock { last in
            guard ContinuousClock.now - last > .seconds(60) else { return false }
            last = .now
            return true
        }
        guard due else { return }
        try await client.query(
            "DELETE FROM trent_change_log WHERE changed_at < now() - interval '1 hour' AND pg_try_advisory_xact_lock(\(PostgresSchema.lockKey + 1))"
        )
    }
}
