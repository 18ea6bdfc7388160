import Foundation
import Testing
import TrentCore

@testable import TrentSQLite

/// The storage contract, one set of test functions for every store (PostgreSQL when TRENT_TEST_POSTGRES names
/// a server, as the test command arranges), and what only SQLite has.
@Suite struct SQLiteKeyStoreTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trent-sqlite-\(UUID().uuidString)")
    let scope = Scope(account: AccountID("111122223333")!, region: Region("us-east-1")!)

    func key(_ id: KeyID = .random()) -> KeyRecord {
        KeyRecord(
            identity: KeyIdentity(scope: scope, id: id), description: "d", spec: .symmetricDefault, usage: .encryptDecrypt,
            origin: .awsKMS, manager: .customer, state: .enabled, creationDate: Date(timeIntervalSince1970: 1_700_000_000.25),
            materials: [
                SealedMaterial(
                    version: 1, materialID: String(repeating: "b", count: 64), sealed: Data([9, 8, 7]),
                    createdAt: Date(timeIntervalSince1970: 1_700_000_000.25))
            ],
            currentVersion: 1, tags: [Tag(key: "z", value: "1"), Tag(key: "a", value: "2")], policy: "{\"Statement\":[]}",
            grants: [
                Grant(
                    grantID: String(repeating: "c", count: 64), token: "token", name: "n",
                    granteePrincipal: "arn:aws:iam::111122223333:user/bob", retiringPrincipal: nil,
                    issuingPrincipal: "arn:aws:iam::111122223333:root", operations: ["Decrypt", "Encrypt"],
                    contextSubset: ["app": "x"], contextEquals: nil, creationDate: Date(timeIntervalSince1970: 1_700_000_001.5))
            ], materialValidTo: Date(timeIntervalSince1970: 1_800_000_000.5), importFingerprint: Data([1, 2, 3]))
    }

    @Test func usesWALWithFullSynchronous() throws {
        let store = try SQLiteKeyStore(directory: directory)
        let pragmas = try store.pragmas()
        #expect(pragmas.journalMode == "wal")
        #expect(pragmas.synchronous == 2)  // FULL
    }

    @Test(arguments: StoreHarness.kinds) func concurrentCommitsShareTransactionsYetEachKeepsItsOwnOutcome(_ kind: StoreKind)
        async throws
    {
        let harness = try await StoreHarness(kind, directory: directory)
        defer { harness.close() }
        let store = try await harness.open()
        let target = key()
        try await store.commit(.key(.put(target, expectedRevision: nil)))
        // 200 new keys, and 50 attempts to create one alias name: every key lands, exactly one alias create wins,
        // and the losers' conflicts do not undo the keys that shared their transaction.
        let outcomes = await withTaskGroup(of: (kind: Int, ok: Bool).self) { group in
            for _ in 0..<200 {
                group.addTask {
                    do {
                        try await store.commit(.key(.put(key(), expectedRevision: nil)))
                        return (0, true)
                    } catch { return (0, false) }
                }
            }
            for _ in 0..<50 {
                group.addTask {
                    let alias = AliasRecord(
                        scope: scope, name: AliasName("alias/contended")!, targetKeyID: target.identity.id,
                        creationDate: Date(), lastUpdatedDate: Date())
                    do {
                        try await store.commit(.alias(.create(alias)))
                        return (1, true)
                    } catch {
                        #expect(error as? StoreError == .conflict)
                        return (1, false)
                    }
                }
            }
            return await group.reduce(into: [(kind: Int, ok: Bool)]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0.kind == 0 && $0.ok }.count == 200)
        #expect(outcomes.filter { $0.kind == 1 && $0.ok }.count == 1)
        let reopened = try await harness.open()
        #expect(try await reopened.keys(in: scope).count == 201)
        #expect(try await reopened.aliases(in: scope).map(\.name.rawValue) == ["alias/contended"])
    }

    @Test(arguments: StoreHarness.kinds) func whatWasCommittedSurvivesReopening(_ kind: StoreKind) async throws {
        let harness = try await StoreHarness(kind, directory: directory)
        defer { harness.close() }
        var record = key()
        let alias = AliasRecord(
            scope: scope, name: AliasName("alias/kept")!, targetKeyID: record.identity.id,
            creationDate: Date(timeIntervalSince1970: 5), lastUpdatedDate: Date(timeIntervalSince1970: 6))
        do {
            let store = try await harness.open()
            try await store.commit(ChangeSet(keys: [.put(record, expectedRevision: nil)], aliases: [.create(alias)]))
        }
        let reopened = try await harness.open()
        record.revision = 1
        #expect(try await reopened.key(record.identity) == record)
        #expect(try await reopened.aliases(in: scope) == [alias])
        #expect(try await reopened.keys(in: scope).map(\.identity) == [record.identity])
    }

    @Test(arguments: StoreHarness.kinds) func updatesKeepMaterialAndAliases(_ kind: StoreKind) async throws {
        let harness = try await StoreHarness(kind, directory: directory)
        defer { harness.close() }
        let store = try await harness.open()
        var record = key()
        let alias = AliasRecord(
            scope: scope, name: AliasName("alias/x")!, targetKeyID: record.identity.id, creationDate: Date(),
            lastUpdatedDate: Date())
        try await store.commit(ChangeSet(keys: [.put(record, expectedRevision: nil)], aliases: [.create(alias)]))
        record.revision = 1
        record.state = .disabled
        record.tags = [Tag(key: "only", value: "one")]
        try await store.commit(.key(.put(record, expectedRevision: 1)))
        let read = try #require(try await store.key(record.identity))
        #expect(read.state == .disabled && read.revision == 2 && read.materials.count == 1)
        #expect(read.tags == [Tag(key: "only", value: "one")])
        #expect(try await store.alias(alias.name, in: scope) != nil)
    }

    @Test(arguments: StoreHarness.kinds) func importedMaterialsKeepTheirStateExpiryAndDescriptionAcrossChanges(
        _ kind: StoreKind
    ) async throws {
        let harness = try await StoreHarness(kind, directory: directory)
        defer { harness.close() }
        var record = key()
        record.origin = .external
        record.materials[0].validTo = Date(timeIntervalSince1970: 1_800_000_000.5)
        record.materials[0].materialDescription = "first"
        record.materials.append(
            SealedMaterial(
                version: 2, materialID: String(repeating: "d", count: 64), sealed: Data([1, 1]),
                createdAt: Date(timeIntervalSince1970: 1_700_000_100), materialDescription: "waiting"))
        record.refreshMaterialValidTo()
        do {
            let store = try await harness.open()
            try await store.commit(.key(.put(record, expectedRevision: nil)))
            record.revision = 1
            // The waiting material becomes current by an on-demand rotation, and the first is deleted.
            record.materials[1].rotationType = "ON_DEMAND"
            record.materials[1].createdAt = Date(timeIntervalSince1970: 1_700_000_200)
            record.currentVersion = 2
            record.removeImportedMaterial(version: 1)
            try await store.commit(.key(.put(record, expectedRevision: 1)))
            record.revision = 2
        }
        let read = try #require(try await harness.open().key(record.identity))
        #expect(read == record)
        #expect(read.materials.map(\.isPresent) == [false, true] && read.state == .enabled)
        #expect(read.materials[0].materialDescription == "first" && read.materials[0].validTo == nil)
        #expect(read.materials[1].rotationType == "ON_DEMAND" && read.materialValidTo == nil)
    }

    @Test(arguments: StoreHarness.kinds) func customKeyStoresAreRevisionCheckedWithUniqueNamesAndSurviveReopening(
        _ kind: StoreKind
    ) async throws {
        let harness = try await StoreHarness(kind, directory: directory)
        defer { harness.close() }
        var record = CustomKeyStoreRecord(
            scope: scope, id: "cks-1234567890abcdef0", name: "hsm", type: "AWS_CLOUDHSM", clusterID: "cluster-234567abcdefg",
            trustAnchorCertificate: "PEM", sealedPassword: Data([1, 2, 3]), connectionState: .disconnected,
            creationDate: Date(timeIntervalSince1970: 1_700_000_000.5))
        do {
            let store = try await harness.open()
            try await store.commit(ChangeSet(customKeyStores: [.put(record, expectedRevision: nil)]))
            record.revision = 1
            var twin = record
            twin = CustomKeyStoreRecord(
                scope: scope, id: "cks-0000000000000000a", name: "hsm", type: "AWS_CLOUDHSM", clusterID: nil,
                trustAnchorCertificate: nil, sealedPassword: nil, connectionState: .disconnected, creationDate: Date())
            await #expect(throws: StoreError.conflict) {
                try await store.commit(ChangeSet(customKeyStores: [.put(twin, expectedRevision: nil)]))
            }
            record.connectionState = .failed
            record.connectionErrorCode = "INVALID_CREDENTIALS"
            try await store.commit(ChangeSet(customKeyStores: [.put(record, expectedRevision: 1)]))
            record.revision = 2
            await #expect(throws: StoreError.conflict) {
                try await store.commit(ChangeSet(customKeyStores: [.put(record, expectedRevision: 1)]))
            }
        }
        let reopened = try await harness.open()
        #expect(try await reopened.customKeyStores(in: scope) == [record])
        await #expect(throws: StoreError.conflict) {
            try await reopened.commit(ChangeSet(customKeyStores: [.delete(scope, id: record.id, expectedRevision: 1)]))
        }
        try await reopened.commit(ChangeSet(customKeyStores: [.delete(scope, id: record.id, expectedRevision: 2)]))
        #expect(try await reopened.customKeyStores(in: scope).isEmpty)
    }

    @Test(arguments: StoreHarness.kinds) func staleRevisionsAndDuplicateAliasesAreConflicts(_ kind: StoreKind) async throws {
        let harness = try await StoreHarness(kind, directory: directory)
        defer { harness.close() }
        let store = try await harness.open()
        let record = key()
        try await store.commit(.key(.put(record, expectedRevision: nil)))
        await #expect(throws: StoreError.conflict) { try await store.commit(.key(.put(record, expectedRevision: nil))) }
        await #expect(throws: StoreError.conflict) { try await store.commit(.key(.put(record, expectedRevision: 7))) }
        let alias = AliasRecord(
            scope: scope, name: AliasName("alias/once")!, targetKeyID: record.identity.id, creationDate: Date(),
            lastUpdatedDate: Date())
        try await store.commit(.alias(.create(alias)))
        await #expect(throws: StoreError.conflict) { try await store.commit(.alias(.create(alias))) }
        // An alias cannot point at a key that does not exist.
        let dangling = AliasRecord(
            scope: scope, name: AliasName("alias/dangling")!, targetKeyID: .random(), creationDate: Date(),
            lastUpdatedDate: Date())
        await #expect(throws: StoreError.conflict) { try await store.commit(.alias(.create(dangling))) }
        await #expect(throws: StoreError.conflict) {
            try await store.commit(.alias(.delete(scope, alias.name, expectedTarget: .random())))
        }
    }

    @Test(arguments: StoreHarness.kinds) func aFailedChangeSetLeavesNothingBehind(_ kind: StoreKind) async throws {
        let harness = try await StoreHarness(kind, directory: directory)
        defer { harness.close() }
        let store = try await harness.open()
        let existing = key(), fresh = key()
        try await store.commit(.key(.put(existing, expectedRevision: nil)))
        await #expect(throws: StoreError.conflict) {
            try await store.commit(ChangeSet(keys: [.put(fresh, expectedRevision: nil), .put(existing, expectedRevision: nil)]))
        }
        #expect(try await store.key(fresh.identity) == nil)
    }

    @Test(arguments: StoreHarness.kinds) func deletingAKeyCascadesAndPendingDeletionIsQueryable(_ kind: StoreKind) async throws {
        let harness = try await StoreHarness(kind, directory: directory)
        defer { harness.close() }
        let store = try await harness.open()
        var record = key()
        try await store.commit(
            ChangeSet(
                keys: [.put(record, expectedRevision: nil)],
                aliases: [
                    .create(
                        AliasRecord(
                            scope: scope, name: AliasName("alias/gone")!, targetKeyID: record.identity.id, creationDate: Date(),
                            lastUpdatedDate: Date()))
                ]))
        record.revision = 1
        record.state = .pendingDeletion
        record.deletionDate = Date(timeIntervalSince1970: 1000)
        try await store.commit(.key(.put(record, expectedRevision: 1)))
        #expect(try await store.keysPendingDeletion(before: Date(timeIntervalSince1970: 999)).isEmpty)
        #expect(try await store.keysPendingDeletion(before: Date(timeIntervalSince1970: 1000)).count == 1)
        try await store.commit(.key(.delete(record.identity, expectedRevision: 2)))
        #expect(try await store.key(record.identity) == nil)
        #expect(try await store.aliases(in: scope).isEmpty)
    }

    @Test(arguments: StoreHarness.kinds) func keyUsageKeepsTheLatestSurvivesReopeningAndGoesWithTheKey(_ kind: StoreKind)
        async throws
    {
        let harness = try await StoreHarness(kind, directory: directory)
        defer { harness.close() }
        let record = key()
        let missing = key()
        let early = KeyLastUsage(
            operation: "Encrypt", timestamp: Date(timeIntervalSince1970: 100), requestID: "r1", eventID: "e1")
        let late = KeyLastUsage(operation: "Decrypt", timestamp: Date(timeIntervalSince1970: 200), requestID: "r2", eventID: "e2")
        let start: Date
        do {
            let store = try await harness.open()
            start = try await store.usageTrackingStart()
            #expect(abs(start.timeIntervalSinceNow) < 60)
            try await store.commit(.key(.put(record, expectedRevision: nil)))
            try await store.recordUsage([record.identity: late, missing.identity: early])
            try await store.recordUsage([record.identity: early])  // older: ignored
        }
        let reopened = try await harness.open()
        #expect(try await reopened.lastUsage(of: record.identity) == late)
        #expect(try await reopened.lastUsage(of: missing.identity) == nil)
        #expect(try await reopened.usageTrackingStart() == start)
        try await reopened.commit(.key(.delete(record.identity, expectedRevision: 1)))
        #expect(try await reopened.lastUsage(of: record.identity) == nil)
    }
}

extension SQLiteKeyStoreTests {
    @Test(arguments: StoreHarness.kinds) func theRootKeyCanaryAndResealedMaterialSurviveReopening(_ kind: StoreKind) async throws
    {
        let harness = try await StoreHarness(kind, directory: directory)
        defer { harness.close() }
        let store = try await harness.open()
        #expect(try await store.rootKeyCanary() == nil)
        #expect(try await !store.holdsSealedData())
        var record = key()
        try await store.commit(ChangeSet(keys: [.put(record, expectedRevision: nil)], rootKeyCanary: Data([1, 1])))
        record.revision = 1
        record.materials[0].sealed = Data([6, 6, 6])
        try await store.commit(ChangeSet(keys: [.put(record, expectedRevision: 1)], rootKeyCanary: Data([2, 2])))
        let reopened = try await harness.open()
        #expect(try await reopened.rootKeyCanary() == Data([2, 2]))
        #expect(try await reopened.key(record.identity)?.materials.map(\.sealed) == [Data([6, 6, 6])])
        #expect(try await reopened.scopes() == [scope])
        #expect(try await reopened.holdsSealedData())
        // A reset empties the store but keeps the canary: it is still sealed under the same root key.
        try await reopened.deleteEverything()
        #expect(try await reopened.rootKeyCanary() == Data([2, 2]))
    }

    @Test func theStoreDirectoryIsPrivate() throws {
        _ = try SQLiteKeyStore(directory: directory)
        let mode = try FileManager.default.attributesOfItem(atPath: directory.path)[.posixPermissions] as? Int
        #expect(mode == 0o700)
    }
}

extension SQLiteKeyStoreTests {
    @Test(arguments: StoreHarness.kinds) func aliasPagesComeFromTheIndexWithoutDeletedKeys(_ kind: StoreKind) async throws {
        let harness = try await StoreHarness(kind, directory: directory)
        defer { harness.close() }
        let store = try await harness.open()
        let live = key()
        var doomed = key()
        doomed.state = .pendingDeletion
        doomed.deletionDate = Date(timeIntervalSince1970: 1_800_000_000)
        var changes = ChangeSet(keys: [.put(live, expectedRevision: nil), .put(doomed, expectedRevision: nil)])
        for i in 0..<25 {
            changes.aliases.append(
                .create(
                    AliasRecord(
                        scope: scope, name: AliasName("alias/a-\(String(format: "%02d", i))")!,
                        targetKeyID: i == 3 ? doomed.identity.id : live.identity.id, creationDate: Date(),
                        lastUpdatedDate: Date())))
        }
        try await store.commit(changes)
        let before = try await store.aliasPage(
            in: scope, after: nil, limit: 100, liveAt: Date(timeIntervalSince1970: 1_700_000_000))
        #expect(before.count == 25)
        let after = Date(timeIntervalSince1970: 1_900_000_000)
        var names: [String] = []
        var cursor: AliasName?
        while true {
            let page = try await store.aliasPage(in: scope, after: cursor, limit: 4, liveAt: after)
            names += page.map(\.name.rawValue)
            guard page.count == 4 else { break }
            cursor = page.last?.name
        }
        #expect(names.count == 24 && !names.contains("alias/a-03") && names == names.sorted())
    }

    /// Key pages and a key's aliases, the same in the in-memory store and in SQLite: in id and name order, without
    /// keys past their deletion date, whatever the page size, and the index follows deletions.
    @Test(arguments: StoreHarness.kinds) func keyPagesAndAKeysAliasesComeInOrder(_ kind: StoreKind) async throws {
        let harness = try await StoreHarness(kind, directory: directory)
        defer { harness.close() }
        let store = try await harness.open()
        var records = (0..<30).map { _ in key() }
        records[7].state = .pendingDeletion
        records[7].deletionDate = Date(timeIntervalSince1970: 1_800_000_000)
        var changes = ChangeSet(keys: records.map { .put($0, expectedRevision: nil) })
        for name in ["alias/c", "alias/a", "alias/b"] {
            changes.aliases.append(
                .create(
                    AliasRecord(
                        scope: scope, name: AliasName(name)!, targetKeyID: records[0].identity.id, creationDate: Date(),
                        lastUpdatedDate: Date())))
        }
        try await store.commit(changes)
        let later = Date(timeIntervalSince1970: 1_900_000_000)
        var ids: [KeyID] = []
        var cursor: KeyID?
        while true {
            let page = try await store.keyPage(in: scope, after: cursor, limit: 7, liveAt: later)
            ids += page
            guard page.count == 7 else { break }
            cursor = page.last
        }
        let expected = records.enumerated().filter { $0.offset != 7 }.map(\.element.identity.id).sorted()
        #expect(ids == expected)
        #expect(try await store.keyPage(in: scope, after: nil, limit: 100, liveAt: Date(timeIntervalSince1970: 0)).count == 30)
        #expect(try await store.aliases(of: records[0].identity).map(\.name.rawValue) == ["alias/a", "alias/b", "alias/c"])
        #expect(try await store.aliases(of: records[1].identity).isEmpty)
        // Deleting the key takes it out of the index and its aliases with it.
        try await store.commit(.key(.delete(records[0].identity, expectedRevision: 1)))
        #expect(
            try await store.keyPage(in: scope, after: nil, limit: 100, liveAt: later)
                == expected.filter { $0 != records[0].identity.id })
        #expect(try await store.aliases(of: records[0].identity).isEmpty)
        #expect(try await store.aliasPage(in: scope, after: nil, limit: 100, liveAt: later).isEmpty)
    }
}
