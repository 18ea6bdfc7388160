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
    let endpoints: PostgresEndpoints
    /// The server in use now (another after a failover).
    var client: PostgresClient { endpoints.client }
    let cache: CachedKeyStore
    let logger: Logger
    let interval: Duration
    /// This node's name in the log (`PostgresKeyStore.node`): its own commits invalidated its cache already.
    let node: String
    /// Shared by the listener and the log reader: what was applied, so nothing is applied twice.
    private let mark = Mutex<Watermark?>(nil)

    public init(store: PostgresKeyStore, cache: CachedKeyStore, logger: Logger, interval: Duration = .seconds(1)) {
        endpoints = store.endpoints
        self.cache = cache
        node = store.node
        self.logger = logger
        self.interval = interval
    }

    /// One log entry, `NODE|CHANGES`: applied unless this node wrote it.
    func applyEntry(_ entry: Substring) {
        guard let bar = entry.firstIndex(of: "|") else {
            cache.invalidateAll()
            return
        }
        if entry[..<bar] != node { apply(String(entry[entry.index(after: bar)...])) }
    }

    /// A notification, `ID|NODE|CHANGES`: applied, and its id marked seen for the log reader.
    func applyNotification(_ payload: String) {
        guard let bar = payload.firstIndex(of: "|"), let id = Int64(payload[..<bar]) else {
            cache.invalidateAll()
            return
        }
        let fresh = mark.withLock { m -> Bool in
            guard var current = m else { return true }  // the reader has not started: nothing to skip yet
            guard id > current.below, !current.seenAbove.contains(id) else { return false }
            current.seenAbove.insert(id)
            m = current
            return true
        }
        if fresh { applyEntry(payload[payload.index(after: bar)...]) }
    }

    /// Applies the changes one log entry or notification names (`ChangeNotice`'s format).
    public func apply(_ payload: String) {
        guard let changed = ChangeNotice.parse(payload) else {
            cache.invalidateAll()
            return
        }
        cache.invalidate(keys: changed.keys, aliasScopes: changed.aliasScopes)
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
                        for try await notification in notifications { applyNotification(notification.payload) }
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
        while !Task.isCancelled {
            do {
                if mark.withLock({ $0 == nil }) {
                    // Start at the log's end: the cache is empty or was just dropped.
                    var end: Int64 = 0
                    for try await id in try await client.query("SELECT coalesce(max(id), 0) FROM trent_change_log")
                        .decode(Int64.self)
                    {
                        end = id
                    }
                    mark.withLock { $0 = Watermark(below: end) }
                    cache.invalidateAll()
                }
                let below = mark.withLock { $0?.below ?? 0 }
                var rows: [(Int64, String)] = []
                for try await row in try await client.query(
                    "SELECT id, changes FROM trent_change_log WHERE id > \(below) ORDER BY id LIMIT \(Self.batchLimit)"
                ).decode((Int64, String).self) {
                    rows.append(row)
                }
                if rows.count == Self.batchLimit {
                    mark.withLock { $0 = nil }  // too far behind to replay: drop everything and start at the end
                    continue
                }
                let now = ContinuousClock.now
                let unseen = mark.withLock { m -> [(Int64, String)] in
                    guard var current = m else { return [] }
                    var unseen: [(Int64, String)] = []
                    var expected = current.below + 1
                    for (id, changes) in rows {
                        while expected < id {
                            if current.holes[expected] == nil && !current.seenAbove.contains(expected) {
                                current.holes[expected] = now
                            }
                            expected += 1
                        }
                        expected = id + 1
                        if current.seenAbove.insert(id).inserted { unseen.append((id, changes)) }
                    }
                    current.advance(now: now, patience: Self.holePatience)
                    m = current
                    return unseen
                }
                for (_, entry) in unseen { applyEntry(entry[...]) }
                try await pruneOccasionally()
            } catch {
                if Task.isCancelled { return }
                logger.warning("change log unreadable; the cache will be dropped", metadata: ["error": "\(type(of: error))"])
                mark.withLock { $0 = nil }
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
