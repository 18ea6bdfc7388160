import Foundation
import Logging
import PostgresNIO
import Testing
import TrentCore
import TrentPostgres

/// Two nodes on one PostgreSQL database, each with its own cache and change follower, as two `trent serve
/// --store` processes would be (runs when TRENT_TEST_POSTGRES names a server).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["TRENT_TEST_POSTGRES"] != nil))
struct TwoNodeTests {
    let scope = Scope(account: AccountID("111122223333")!, region: Region("us-east-1")!)

    /// A node: its own client, cache and change follower (stopped when the harness closes).
    func node(_ harness: StoreHarness) async throws -> CachedKeyStore {
        let store = try await harness.open() as! PostgresKeyStore
        let cache = CachedKeyStore(store)
        let follower = PostgresChangeFollower(store: store, cache: cache, logger: Logger(label: "test"))
        harness.cancelOnClose(Task { await follower.run() })
        return cache
    }

    func key() -> KeyRecord {
        KeyRecord(
            identity: KeyIdentity(scope: scope, id: .random()), description: "d", spec: .symmetricDefault,
            usage: .encryptDecrypt, origin: .awsKMS, manager: .customer, state: .enabled, creationDate: Date(),
            materials: [
                SealedMaterial(version: 1, materialID: String(repeating: "a", count: 64), sealed: Data([1]), createdAt: Date())
            ],
            currentVersion: 1, policy: "{}")
    }

    /// Polls until `condition` holds, for at most `limit`; returns how long it took.
    func within(_ limit: Duration, _ condition: () async throws -> Bool) async throws -> Duration? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < limit {
            if try await condition() { return ContinuousClock.now - start }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    @Test func aChangeOnOneNodeReachesTheOtherWithinASecond() async throws {
        let harness = try await StoreHarness(.postgres, directory: FileManager.default.temporaryDirectory)
        defer { harness.close() }
        let a = try await node(harness)
        let b = try await node(harness)
        try await Task.sleep(for: .milliseconds(300))  // both listening
        var record = key()
        try await a.commit(.key(.put(record, expectedRevision: nil)))
        let alias = AliasRecord(
            scope: scope, name: AliasName("alias/shared")!, targetKeyID: record.identity.id, creationDate: Date(),
            lastUpdatedDate: Date())
        try await a.commit(.alias(.create(alias)))
        // B reads and caches both, then A disables the key and deletes the alias.
        #expect(try await b.key(record.identity)?.state == .enabled)
        #expect(try await b.alias(alias.name, in: scope) != nil)
        record.revision = 1
        record.state = .disabled
        try await a.commit(.key(.put(record, expectedRevision: 1)))
        try await a.commit(.alias(.delete(scope, alias.name, expectedTarget: record.identity.id)))
        let seen = try await within(.seconds(1)) {
            let state = try await b.key(record.identity)?.state
            let stillAliased = try await b.alias(alias.name, in: scope) != nil
            return state == .disabled && !stillAliased
        }
        #expect(seen != nil, "node B still served the old key or alias after a second")
    }

    @Test func concurrentAliasCreatesFromTwoNodesLeaveExactlyOne() async throws {
        let harness = try await StoreHarness(.postgres, directory: FileManager.default.temporaryDirectory)
        defer { harness.close() }
        let a = try await node(harness)
        let b = try await node(harness)
        let target = key()
        try await a.commit(.key(.put(target, expectedRevision: nil)))
        let wins = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<40 {
                let node = i % 2 == 0 ? a : b
                group.addTask {
                    let alias = AliasRecord(
                        scope: scope, name: AliasName("alias/raced")!, targetKeyID: target.identity.id,
                        creationDate: Date(), lastUpdatedDate: Date())
                    return (try? await node.commit(.alias(.create(alias)))) != nil
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(wins == 1)
        // A read-modify-write from both nodes on one key: every update lands, none lost.
        let updates = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<20 {
                let node = i % 2 == 0 ? a : b
                group.addTask {
                    for _ in 0..<20 {
                        guard var current = try? await node.base.key(target.identity) else { return false }
                        current.tags.append(Tag(key: "t\(i)", value: "v"))
                        do {
                            try await node.commit(.key(.put(current, expectedRevision: current.revision)))
                            return true
                        } catch StoreError.conflict {
                            continue  // decided on a stale read: read again and decide again
                        } catch {
                            return false
                        }
                    }
                    return false
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(updates == 20)
        #expect(try await a.base.key(target.identity)?.tags.count == 20)
    }

    @Test func aBackgroundJobRunsOnOneNodeAtATime() async throws {
        let harness = try await StoreHarness(.postgres, directory: FileManager.default.temporaryDirectory)
        defer { harness.close() }
        let a = try await harness.open() as! PostgresKeyStore
        let b = try await harness.open() as! PostgresKeyStore
        let started = AsyncStream<Void>.makeStream()
        let release = AsyncStream<Void>.makeStream()
        let first = Task {
            try await a.runExclusively("deletion") {
                started.continuation.yield()
                for await _ in release.stream { break }
            }
        }
        for await _ in started.stream { break }
        // While A runs the job, B may not; another job name is free; once A is done, B may.
        #expect(try await b.runExclusively("deletion") {} == false)
        #expect(try await b.runExclusively("rotation") {} == true)
        release.continuation.yield()
        #expect(try await first.value == true)
        #expect(try await b.runExclusively("deletion") {} == true)
    }

    @Test func aChangeWhoseNotificationWasMissedIsReadFromTheLog() async throws {
        let harness = try await StoreHarness(.postgres, directory: FileManager.default.temporaryDirectory)
        defer { harness.close() }
        let b = try await node(harness)
        let a = try await harness.open() as! PostgresKeyStore
        let record = key()
        try await a.commit(.key(.put(record, expectedRevision: nil)))
        try await Task.sleep(for: .milliseconds(1500))  // B's log reader has started and read past that commit
        _ = try await b.key(record.identity)
        #expect(b.occupancy.keys == 1)
        // A change-log entry without its notification, as if the notification had been lost.
        let entry = "another-node|k:\(scope.account.rawValue):\(scope.region.rawValue):\(record.identity.id.rawValue)"
        try await a.client.query("INSERT INTO trent_change_log (changes) VALUES (\(entry))")
        let dropped = try await within(.seconds(2)) { b.occupancy.keys == 0 }
        #expect(dropped != nil, "the log reader did not drop the key named only in the change log")
    }
}
