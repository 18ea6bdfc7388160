import Foundation
import Logging
import Synchronization
import Testing
import TrentCore
import TrentCrypto

@testable import TrentOperations

/// Two nodes on one store with a cluster in software: a disconnection through one node reaches the other's held
/// connection within one refresh pass.
@Suite struct CustomKeyStoreNodesTests {
    /// A "cluster" whose keys are AES keys in memory (the PKCS#11 one is tested on SoftHSM2 elsewhere).
    final class SoftwareClusters: HSMClusters {
        final class Connection: HSMConnection {
            let keys = Mutex<[String: Data]>([:])
            func createKey(label: String) throws { keys.withLock { $0[label] = SecureRandom.bytes(32) } }
            func encrypt(label: String, plaintext: Data, aad: Data) throws -> Data {
                try SymmetricEnvelope.seal(plaintext, material: SecretBytes(keys.withLock { $0[label]! }), aad: aad)
            }
            func decrypt(label: String, sealed: Data, aad: Data) throws -> Data {
                guard let opened = SymmetricEnvelope.open(sealed, material: SecretBytes(keys.withLock { $0[label]! }), aad: aad)
                else { throw KMSError.invalidCiphertext() }
                return opened
            }
            func destroyKey(label: String) throws { keys.withLock { $0[label] = nil } }
            func random(count: Int) throws -> Data { SecureRandom.bytes(count) }
        }
        let shared = Connection()
        func cluster(_ id: String) -> HSMClusterInfo? {
            HSMClusterInfo(id: id, certificate: Data(), hsmCount: 2, active: true)
        }
        func connect(_ id: String, password: String) async -> Result<any HSMConnection, HSMConnectFailure> {
            password == "kmsuser-pass" ? .success(shared) : .failure(HSMConnectFailure(code: "INVALID_CREDENTIALS", detail: ""))
        }
    }

    @Test func aDisconnectionThroughOneNodeReachesTheOther() async throws {
        let store = InMemoryKeyStore()
        let root = RootKeySealer.generateRootKey()
        let clusters = SoftwareClusters()
        func node() throws -> KMS {
            KMS(store: store, sealer: try RootKeySealer(rootKey: root), logger: Logger(label: "test"), clusters: clusters)
        }
        let a = try node()
        let b = try node()
        let scope = Scope(account: AccountID("111122223333")!, region: Region("us-east-1")!)
        // A connected store with one key, made directly (the operations' own checks are tested with SoftHSM2).
        var record = CustomKeyStoreRecord(
            scope: scope, id: "cks-1234567890abcdef0", name: "hsm", type: "AWS_CLOUDHSM", clusterID: "cluster-234567abcdefg",
            trustAnchorCertificate: nil, sealedPassword: nil, connectionState: .connected, creationDate: Date())
        record.sealedPassword = try a.sealer.seal(
            SecretBytes(Data("kmsuser-pass".utf8)), boundTo: CustomKeyStores.passwordBinding(record))
        try await store.commit(ChangeSet(customKeyStores: [.put(record, expectedRevision: nil)]))
        let key = KeyRecord(
            identity: KeyIdentity(scope: scope, id: .random()), description: "", spec: .symmetricDefault,
            usage: .encryptDecrypt, origin: .awsCloudHSM, manager: .customer, state: .enabled, creationDate: Date(),
            materials: [
                SealedMaterial(version: 1, materialID: String(repeating: "a", count: 64), sealed: Data(), createdAt: Date())
            ],
            currentVersion: 1, policy: KeyPolicy.customerDefault(account: scope.account), customKeyStoreID: record.id)
        try clusters.shared.createKey(label: key.arn.description)
        try await store.commit(.key(.put(key, expectedRevision: nil)))

        // B uses the key: it logs in and holds the connection.
        try await b.prepareConnection(for: key)
        #expect(b.heldConnection(for: key) != nil)
        #expect(try await b.refreshCustomKeyStoreConnections().isEmpty)
        // A disconnects the store (as DisconnectCustomKeyStore commits it); B lets go on its next pass.
        record.revision = 1
        record.connectionState = .disconnected
        try await store.commit(ChangeSet(customKeyStores: [.put(record, expectedRevision: 1)]))
        #expect(try await b.refreshCustomKeyStoreConnections() == [record.id])
        #expect(b.heldConnection(for: key) == nil)
        await #expect(throws: KMSError(.keyUnavailable, "")) { try await b.prepareConnection(for: key) }
    }
}
