import Foundation
import TrentCore
import TrentCrypto

/// Checks the parameters as AWS does for each store type. An AWS_CLOUDHSM store is made on a configured cluster
/// (a PKCS#11 token) after AWS's cluster checks; an external key store after a health check through its proxy.
/// Either starts DISCONNECTED.
enum CreateCustomKeyStore: KMSOperation {
    static let action = KMSAction.createCustomKeyStore

    struct Request: Decodable, Sendable {
        var CustomKeyStoreName: String
        var CloudHsmClusterId: String?
        var TrustAnchorCertificate: String?
        var KeyStorePassword: String?
        var CustomKeyStoreType: String?
        var XksProxyUriEndpoint: String?
        var XksProxyUriPath: String?
        var XksProxyVpcEndpointServiceName: String?
        var XksProxyVpcEndpointServiceOwner: String?
        var XksProxyAuthenticationCredential: XksProxyCredential?
        var XksProxyConnectivity: String?
    }

    struct Response: Encodable, Sendable {
        var CustomKeyStoreId: String
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let cloudHSM: [(String, Bool)] = [
            ("CloudHsmClusterId", request.CloudHsmClusterId != nil),
            ("TrustAnchorCertificate", request.TrustAnchorCertificate != nil),
            ("KeyStorePassword", request.KeyStorePassword != nil),
        ]
        let external: [(String, Bool)] = [
            ("XksProxyConnectivity", request.XksProxyConnectivity != nil),
            ("XksProxyAuthenticationCredential", request.XksProxyAuthenticationCredential != nil),
            ("XksProxyUriEndpoint", request.XksProxyUriEndpoint != nil), ("XksProxyUriPath", request.XksProxyUriPath != nil),
        ]
        let vpc: [(String, Bool)] = [
            ("XksProxyVpcEndpointServiceName", request.XksProxyVpcEndpointServiceName != nil),
            ("XksProxyVpcEndpointServiceOwner", request.XksProxyVpcEndpointServiceOwner != nil),
        ]
        let type = request.CustomKeyStoreType ?? "AWS_CLOUDHSM"
        let (required, forbidden) = type == "AWS_CLOUDHSM" ? (cloudHSM, external + vpc) : (external, cloudHSM)
        if let missing = required.first(where: { !$0.1 }) {
            throw KMSError.validation("\(missing.0) is required to create a custom key store of type \(type).")
        }
        if let extra = forbidden.first(where: { $0.1 }) {
            throw KMSError.validation("\(extra.0) is not valid for a custom key store of type \(type).")
        }
        guard type == "AWS_CLOUDHSM" else {
            return Response(CustomKeyStoreId: try await createExternal(request, vpc: vpc, call))
        }
        let clusterID = request.CloudHsmClusterId!
        let existing = try await call.store.customKeyStores(in: call.scope)
        if existing.contains(where: { $0.name == request.CustomKeyStoreName }) {
            throw CustomKeyStores.nameInUse(request.CustomKeyStoreName)
        }
        try CustomKeyStores.checkCluster(
            clusterID, anchor: request.TrustAnchorCertificate!, call: call, inUseBy: existing, except: nil)
        var record = CustomKeyStoreRecord(
            scope: call.scope, id: CustomKeyStores.newID(), name: request.CustomKeyStoreName, type: type,
            clusterID: clusterID, trustAnchorCertificate: request.TrustAnchorCertificate, sealedPassword: nil,
            connectionState: .disconnected, creationDate: call.now)
        record.sealedPassword = try call.kms.sealer.seal(
            SecretBytes(Data(request.KeyStorePassword!.utf8)), boundTo: CustomKeyStores.passwordBinding(record))
        do {
            try await call.store.commit(ChangeSet(customKeyStores: [.put(record, expectedRevision: nil)]))
        } catch StoreError.conflict {
            throw CustomKeyStores.nameInUse(request.CustomKeyStoreName)
        }
        return Response(CustomKeyStoreId: record.id)
    }
}

extension CreateCustomKeyStore {
    /// An external key store: AWS's rules on connectivity and uniqueness, then GetHealthStatus through the proxy with
    /// the given credential; the store starts DISCONNECTED, its secret sealed under the root key.
    static func createExternal(_ request: Request, vpc: [(String, Bool)], _ call: Call) async throws -> String {
        let connectivity = request.XksProxyConnectivity!
        if connectivity == "VPC_ENDPOINT_SERVICE" {
            guard request.XksProxyVpcEndpointServiceName != nil else {
                throw KMSError.validation(
                    "XksProxyVpcEndpointServiceName is required when XksProxyConnectivity is VPC_ENDPOINT_SERVICE.")
            }
        } else if vpc.contains(where: { $0.1 }) {
            throw KMSError.validation(
                "XksProxyVpcEndpointService parameters are valid only with VPC_ENDPOINT_SERVICE connectivity.")
        }
        let existing = try await call.store.customKeyStores(in: call.scope)
        if existing.contains(where: { $0.name == request.CustomKeyStoreName }) {
            throw CustomKeyStores.nameInUse(request.CustomKeyStoreName)
        }
        let endpoint = request.XksProxyUriEndpoint!
        let path = request.XksProxyUriPath!
        if existing.contains(where: { $0.xks?.uriEndpoint == endpoint && $0.xks?.uriPath == path }) {
            throw KMSError(
                .xksProxyUriInUse, "The XksProxyUriEndpoint and XksProxyUriPath are already used by another external key store.")
        }
        if connectivity == "VPC_ENDPOINT_SERVICE" {
            if existing.contains(where: { $0.xks?.uriEndpoint == endpoint }) {
                throw KMSError(
                    .xksProxyUriEndpointInUse, "The XksProxyUriEndpoint is already used by another external key store.")
            }
            if existing.contains(where: { $0.xks?.vpcEndpointServiceName == request.XksProxyVpcEndpointServiceName }) {
                throw KMSError(
                    .xksProxyVpcEndpointServiceInUse, "The VPC endpoint service is already used by another external key store.")
            }
        }
        guard let transport = call.kms.xks else {
            if connectivity == "VPC_ENDPOINT_SERVICE" {
                throw ExternalKeyStores.storeError(.vpcEndpointServiceNotFound)
            }
            throw KMSError(
                .xksProxyUriUnreachable,
                "The external key store proxy at \(endpoint)\(path) is not reachable: this Trent has no XKS client (--xks-client)."
            )
        }
        let credential = request.XksProxyAuthenticationCredential!
        var record = CustomKeyStoreRecord(
            scope: call.scope, id: CustomKeyStores.newID(), name: request.CustomKeyStoreName, type: "EXTERNAL_KEY_STORE",
            clusterID: nil, trustAnchorCertificate: nil, sealedPassword: nil, connectionState: .disconnected,
            creationDate: call.now)
        record.xks = .init(
            uriEndpoint: endpoint, uriPath: path, connectivity: connectivity,
            vpcEndpointServiceName: request.XksProxyVpcEndpointServiceName,
            vpcEndpointServiceOwner: request.XksProxyVpcEndpointServiceOwner, accessKeyID: credential.AccessKeyId,
            sealedSecret: try call.kms.sealer.seal(
                SecretBytes(Data(credential.RawSecretAccessKey.utf8)), boundTo: ExternalKeyStores.secretBinding(record)))
        guard let proxy = call.kms.xksEndpoint(record) else { throw KMSError.internalError() }
        if let failure = await ExternalKeyStores.health(proxy, transport: transport, operation: "CreateCustomKeyStore") {
            throw ExternalKeyStores.storeError(failure)
        }
        do {
            try await call.store.commit(ChangeSet(customKeyStores: [.put(record, expectedRevision: nil)]))
        } catch StoreError.conflict {
            throw CustomKeyStores.nameInUse(request.CustomKeyStoreName)
        }
        return record.id
    }
}

extension CustomKeyStores {
    /// AWS's checks of a cluster for a store: it exists, is active, has enough HSMs, is not another store's, and
    /// its certificate was signed by the store's trust anchor.
    static func checkCluster(
        _ clusterID: String, anchor: String, call: Call, inUseBy stores: [CustomKeyStoreRecord], except: String?
    ) throws(KMSError) {
        guard let cluster = call.kms.clusters?.cluster(clusterID) else {
            throw KMSError(.cloudHsmClusterNotFound, "CloudHSM cluster \(clusterID) not found.")
        }
        guard cluster.active else {
            throw KMSError(.cloudHsmClusterNotActive, "CloudHSM cluster \(clusterID) is not active.")
        }
        guard cluster.hsmCount >= 2 else {
            throw KMSError(
                .cloudHsmClusterInvalidConfiguration,
                "CloudHSM cluster \(clusterID) must contain at least 2 active HSMs to create or update a custom key store.")
        }
        if stores.contains(where: { $0.clusterID == clusterID && $0.id != except }) {
            throw KMSError(
                .cloudHsmClusterInUse,
                "CloudHSM cluster \(clusterID) is already associated with a custom key store in this account.")
        }
        guard let anchorDER = X509Certificates.der(fromPEM: anchor),
            X509Certificates.chains(cluster.certificate, to: anchorDER, at: call.now)
        else {
            throw KMSError(
                .incorrectTrustAnchor,
                "The trust anchor certificate in the request is not the trust anchor certificate for CloudHSM cluster \(clusterID)."
            )
        }
    }
}
