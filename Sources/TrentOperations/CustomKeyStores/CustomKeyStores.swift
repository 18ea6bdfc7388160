import Foundation
import TrentCore
import TrentCrypto

/// Custom key stores: records in the store, and this node's logged-in connections to their HSM clusters. Today
/// the AWS_CLOUDHSM type, its cluster a PKCS#11 token named in `--cloudhsm-clusters`; external key stores (XKS)
/// are not yet supported.
enum CustomKeyStores {
    static func notFound(_ idOrName: String) -> KMSError {
        KMSError(.customKeyStoreNotFound, "Custom key store \(idOrName) does not exist.")
    }

    static func nameInUse(_ name: String) -> KMSError {
        KMSError(.customKeyStoreNameInUse, "Custom key store name \(name) is already in use in this account and Region.")
    }

    /// `cks-` and 17 hex digits, as AWS forms store ids.
    static func newID() -> String { "cks-" + String(Hex.encode(SecureRandom.bytes(9)).prefix(17)) }

    /// The root-key binding of a store's sealed password.
    static func passwordBinding(_ record: CustomKeyStoreRecord) -> String {
        "custom-key-store:\(record.scope.account.rawValue)/\(record.scope.region.rawValue)/\(record.id)"
    }

    static func connectionKey(_ scope: Scope, _ id: String) -> String {
        "\(scope.account.rawValue)/\(scope.region.rawValue)/\(id)"
    }
}

/// The request of the operations that take only a store id.
struct CustomKeyStoreIDRequest: Decodable, Sendable {
    var CustomKeyStoreId: String
}

/// XksProxyAuthenticationCredential's wire shape.
struct XksProxyCredential: Decodable, Sendable {
    var AccessKeyId: String
    var RawSecretAccessKey: String
}

extension Call {
    /// A store of the caller's account and Region, or CustomKeyStoreNotFoundException.
    func customKeyStore(_ id: String) async throws -> CustomKeyStoreRecord {
        guard let record = try await store.customKeyStores(in: scope).first(where: { $0.id == id }) else {
            throw CustomKeyStores.notFound(id)
        }
        return record
    }
}

extension KMS {
    /// This node's connection to a store's cluster: the one it holds, or, for a store recorded CONNECTED (by this
    /// node before a restart, or by another node), a new login with the store's password. Nil when the store is not
    /// connected or the login fails.
    func hsmConnection(_ record: CustomKeyStoreRecord) async -> (any HSMConnection)? {
        let key = CustomKeyStores.connectionKey(record.scope, record.id)
        if let held = connections.withLock({ $0[key] }) { return held }
        guard record.connectionState == .connected, case .success(let connection) = await logIn(record) else { return nil }
        connections.withLock { $0[key] = connection }
        return connection
    }

    /// Logs in to an AWS_CLOUDHSM store's cluster with its unsealed password (ConnectCustomKeyStore, and a node's
    /// first use of a connected store).
    func logIn(_ record: CustomKeyStoreRecord) async -> Result<any HSMConnection, HSMConnectFailure> {
        guard let clusters, let clusterID = record.clusterID, clusters.cluster(clusterID) != nil else {
            return .failure(HSMConnectFailure(code: "CLUSTER_NOT_FOUND", detail: "no such cluster is configured"))
        }
        guard let sealed = record.sealedPassword,
            let password = try? sealer.open(sealed, boundTo: CustomKeyStores.passwordBinding(record))
        else { return .failure(HSMConnectFailure(code: "INTERNAL_ERROR", detail: "the store password does not open")) }
        return await clusters.connect(clusterID, password: String(decoding: password.bytes, as: UTF8.self))
    }

    /// The connection for a key that lives in a custom key store, held already (the hot path: no storage read).
    func heldConnection(for record: KeyRecord) -> (any HSMConnection)? {
        guard let id = record.customKeyStoreID else { return nil }
        return connections.withLock { $0[CustomKeyStores.connectionKey(record.identity.scope, id)] }
    }

    /// Makes sure this node holds a connection for a key in a custom key store before a cryptographic operation.
    func prepareConnection(for record: KeyRecord) async throws(KMSError) {
        guard let id = record.customKeyStoreID, heldConnection(for: record) == nil, heldXKSEndpoint(for: record) == nil
        else { return }
        let stores = (try? await store.customKeyStores(in: record.identity.scope)) ?? []
        if record.origin == .externalKeyStore {
            guard let storeRecord = stores.first(where: { $0.id == id }), storeRecord.connectionState == .connected,
                let endpoint = xksEndpoint(storeRecord)
            else {
                throw KMSError.invalidState(
                    "This KMS key is in a custom key store that is not connected to its external key store proxy. Connect the external key store and try the request again."
                )
            }
            xksEndpoints.withLock { $0[CustomKeyStores.connectionKey(record.identity.scope, id)] = endpoint }
            return
        }
        guard let storeRecord = stores.first(where: { $0.id == id }), await hsmConnection(storeRecord) != nil else {
            throw KMSError(
                .keyUnavailable, "\(record.arn) is unavailable: its custom key store \(id) is not connected on this node.")
        }
    }

    /// Drops this node's connections to stores that are no longer CONNECTED in storage (disconnected, deleted or
    /// failed through another node), so every node follows a disconnection within one pass. Reads only the scopes
    /// it holds connections for; returns the stores it let go.
    @discardableResult
    public func refreshCustomKeyStoreConnections() async throws -> [String] {
        let held = Set(connections.withLock { Array($0.keys) }).union(xksEndpoints.withLock { Array($0.keys) })
        var scopes: [Scope: [String]] = [:]
        for key in held {
            let parts = key.split(separator: "/", maxSplits: 2).map(String.init)
            guard parts.count == 3, let account = AccountID(parts[0]), let region = Region(parts[1]) else { continue }
            scopes[Scope(account: account, region: region), default: []].append(parts[2])
        }
        var dropped: [String] = []
        for (scope, ids) in scopes {
            let connected = Set(try await store.customKeyStores(in: scope).filter { $0.connectionState == .connected }.map(\.id))
            for id in ids where !connected.contains(id) {
                dropConnection(scope, id)
                dropped.append(id)
            }
        }
        return dropped
    }

    func dropConnection(_ scope: Scope, _ id: String) {
        _ = connections.withLock { $0.removeValue(forKey: CustomKeyStores.connectionKey(scope, id)) }
        _ = xksEndpoints.withLock { $0.removeValue(forKey: CustomKeyStores.connectionKey(scope, id)) }
    }

    /// Best effort, as AWS documents it: destroys the token key of a deleted key whose store is connected here.
    func destroyHSMKey(of record: KeyRecord) {
        guard let connection = heldConnection(for: record) else { return }
        try? connection.destroyKey(label: record.arn.description)
    }
}
