import Foundation
import TrentCore
import TrentCrypto

/// Renames a store (in any state but while connecting), or, while it is disconnected, changes its password or
/// moves it to a related cluster (one with the same cluster certificate, as a restored backup has).
enum UpdateCustomKeyStore: KMSOperation {
    static let action = KMSAction.updateCustomKeyStore

    struct Request: Decodable, Sendable {
        var CustomKeyStoreId: String
        var NewCustomKeyStoreName: String?
        var KeyStorePassword: String?
        var CloudHsmClusterId: String?
        var XksProxyUriEndpoint: String?
        var XksProxyUriPath: String?
        var XksProxyVpcEndpointServiceName: String?
        var XksProxyVpcEndpointServiceOwner: String?
        var XksProxyAuthenticationCredential: XksProxyCredential?
        var XksProxyConnectivity: String?
    }

    static func perform(_ request: Request, _ call: Call) async throws -> NoResponse {
        var record = try await call.customKeyStore(request.CustomKeyStoreId)
        let xks: [(String, Bool)] = [
            ("XksProxyUriEndpoint", request.XksProxyUriEndpoint != nil), ("XksProxyUriPath", request.XksProxyUriPath != nil),
            ("XksProxyVpcEndpointServiceName", request.XksProxyVpcEndpointServiceName != nil),
            ("XksProxyVpcEndpointServiceOwner", request.XksProxyVpcEndpointServiceOwner != nil),
            ("XksProxyAuthenticationCredential", request.XksProxyAuthenticationCredential != nil),
            ("XksProxyConnectivity", request.XksProxyConnectivity != nil),
        ]
        let external = record.type == "EXTERNAL_KEY_STORE"
        if !external, let extra = xks.first(where: { $0.1 }) {
            throw KMSError.validation("\(extra.0) is not valid for a custom key store of type \(record.type).")
        }
        if external && (request.KeyStorePassword != nil || request.CloudHsmClusterId != nil) {
            throw KMSError.validation("KeyStorePassword and CloudHsmClusterId are not valid for an external key store.")
        }
        let onlyName = request.KeyStorePassword == nil && request.CloudHsmClusterId == nil && !xks.contains(where: { $0.1 })
        guard record.connectionState == .disconnected || (onlyName && record.connectionState == .connected) else {
            throw KMSError(
                .customKeyStoreInvalidState,
                "Custom key store \(record.id) is \(record.connectionState.rawValue). Only its name can change while it is connected; disconnect it to change anything else."
            )
        }
        let stores = try await call.store.customKeyStores(in: call.scope)
        let revision = record.revision
        var keys: [KeyChange] = []
        if let name = request.NewCustomKeyStoreName {
            if stores.contains(where: { $0.name == name && $0.id != record.id }) {
                throw CustomKeyStores.nameInUse(name)
            }
            record.name = name
        }
        if let clusterID = request.CloudHsmClusterId, clusterID != record.clusterID {
            try CustomKeyStores.checkCluster(
                clusterID, anchor: record.trustAnchorCertificate ?? "", call: call, inUseBy: stores, except: record.id)
            guard let old = record.clusterID.flatMap({ call.kms.clusters?.cluster($0) }),
                let new = call.kms.clusters?.cluster(clusterID), old.certificate == new.certificate
            else {
                throw KMSError(
                    .cloudHsmClusterNotRelated,
                    "CloudHSM cluster \(clusterID) is not related to the cluster of custom key store \(record.id): they do not share a backup history."
                )
            }
            record.clusterID = clusterID
            for var key in try await call.store.keys(in: call.scope) where key.customKeyStoreID == record.id {
                let keyRevision = key.revision
                key.cloudHsmClusterID = clusterID
                keys.append(.put(key, expectedRevision: keyRevision))
            }
        }
        if external, xks.contains(where: { $0.1 }), var settings = record.xks {
            settings.uriEndpoint = request.XksProxyUriEndpoint ?? settings.uriEndpoint
            settings.uriPath = request.XksProxyUriPath ?? settings.uriPath
            settings.connectivity = request.XksProxyConnectivity ?? settings.connectivity
            settings.vpcEndpointServiceName = request.XksProxyVpcEndpointServiceName ?? settings.vpcEndpointServiceName
            settings.vpcEndpointServiceOwner = request.XksProxyVpcEndpointServiceOwner ?? settings.vpcEndpointServiceOwner
            if let credential = request.XksProxyAuthenticationCredential {
                settings.accessKeyID = credential.AccessKeyId
                settings.sealedSecret = try call.kms.sealer.seal(
                    SecretBytes(Data(credential.RawSecretAccessKey.utf8)), boundTo: ExternalKeyStores.secretBinding(record))
            }
            if stores.contains(where: {
                $0.id != record.id && $0.xks?.uriEndpoint == settings.uriEndpoint
                    && $0.xks?.uriPath == settings.uriPath
            }) {
                throw KMSError(
                    .xksProxyUriInUse,
                    "The XksProxyUriEndpoint and XksProxyUriPath are already used by another external key store.")
            }
            record.xks = settings
            // The new settings must reach a proxy that answers, as AWS checks on update.
            guard let transport = call.kms.xks, let endpoint = call.kms.xksEndpoint(record) else {
                throw KMSError(.xksProxyUriUnreachable, "The external key store proxy is not reachable.")
            }
            if let failure = await ExternalKeyStores.health(endpoint, transport: transport, operation: "UpdateCustomKeyStore") {
                throw ExternalKeyStores.storeError(failure)
            }
        }
        if let password = request.KeyStorePassword {
            record.sealedPassword = try call.kms.sealer.seal(
                SecretBytes(Data(password.utf8)), boundTo: CustomKeyStores.passwordBinding(record))
        }
        try await call.store.commit(ChangeSet(keys: keys, customKeyStores: [.put(record, expectedRevision: revision)]))
        return NoResponse()
    }
}
