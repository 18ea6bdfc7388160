import Foundation
import TrentCore

/// No custom key store exists in Trent (see CustomKeyStores), so every store id is not found.
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
        throw CustomKeyStores.notFound(request.CustomKeyStoreId)
    }
}
