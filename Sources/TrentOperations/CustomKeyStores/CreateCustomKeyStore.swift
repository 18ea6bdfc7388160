import Foundation
import TrentCore

/// Checks the parameters as AWS does for each store type, then fails the way AWS fails when the CloudHSM cluster
/// does not exist or the external key store proxy cannot be reached (see CustomKeyStores).
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
        if type == "AWS_CLOUDHSM" {
            throw KMSError(
                .cloudHsmClusterNotFound,
                "CloudHSM cluster \(request.CloudHsmClusterId ?? "") not found. Trent has no CloudHSM clusters.")
        }
        if request.XksProxyConnectivity == "VPC_ENDPOINT_SERVICE" {
            guard let service = request.XksProxyVpcEndpointServiceName else {
                throw KMSError.validation(
                    "XksProxyVpcEndpointServiceName is required when XksProxyConnectivity is VPC_ENDPOINT_SERVICE.")
            }
            throw KMSError(
                .xksProxyVpcEndpointServiceNotFound,
                "VPC endpoint service \(service) not found. Trent has no VPC endpoint services.")
        }
        if vpc.contains(where: { $0.1 }) {
            throw KMSError.validation(
                "XksProxyVpcEndpointService parameters are valid only with VPC_ENDPOINT_SERVICE connectivity.")
        }
        throw KMSError(
            .xksProxyUriUnreachable,
            "The external key store proxy at \(request.XksProxyUriEndpoint ?? "")\(request.XksProxyUriPath ?? "") is not reachable. Trent does not connect to external key store proxies."
        )
    }
}
