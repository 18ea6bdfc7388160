import Foundation
import TrentCore

/// The custom key stores of the caller's account and Region, all or one by id or name, a page at a time.
enum DescribeCustomKeyStores: KMSOperation {
    static let action = KMSAction.describeCustomKeyStores

    struct Request: Decodable, Sendable {
        var CustomKeyStoreId: String?
        var CustomKeyStoreName: String?
        var Limit: Int?
        var Marker: String?
    }

    struct Entry: Encodable, Sendable {
        var CustomKeyStoreId: String
        var CustomKeyStoreName: String
        var CloudHsmClusterId: String?
        var TrustAnchorCertificate: String?
        var ConnectionState: String
        var ConnectionErrorCode: String?
        var CreationDate: Date
        var CustomKeyStoreType: String
        var XksProxyConfiguration: XKSConfiguration?

        struct XKSConfiguration: Encodable, Sendable {
            var Connectivity: String
            var AccessKeyId: String
            var UriEndpoint: String
            var UriPath: String
            var VpcEndpointServiceName: String?
            var VpcEndpointServiceOwner: String?
        }

        /// The password is never part of it.
        init(_ r: CustomKeyStoreRecord) {
            CustomKeyStoreId = r.id
            CustomKeyStoreName = r.name
            CloudHsmClusterId = r.clusterID
            TrustAnchorCertificate = r.trustAnchorCertificate
            ConnectionState = r.connectionState.rawValue
            ConnectionErrorCode = r.connectionState == .failed ? r.connectionErrorCode : nil
            CreationDate = r.creationDate
            CustomKeyStoreType = r.type
            XksProxyConfiguration = r.xks.map {
                XKSConfiguration(
                    Connectivity: $0.connectivity, AccessKeyId: $0.accessKeyID, UriEndpoint: $0.uriEndpoint,
                    UriPath: $0.uriPath, VpcEndpointServiceName: $0.vpcEndpointServiceName,
                    VpcEndpointServiceOwner: $0.vpcEndpointServiceOwner)
            }
        }
    }

    struct Response: Encodable, Sendable {
        var CustomKeyStores: [Entry]
        var NextMarker: String?
        var Truncated: Bool
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        if request.CustomKeyStoreId != nil && request.CustomKeyStoreName != nil {
            throw KMSError.validation("Specify either CustomKeyStoreId or CustomKeyStoreName, not both.")
        }
        var stores = try await call.store.customKeyStores(in: call.scope)
        if let id = request.CustomKeyStoreId {
            stores = stores.filter { $0.id == id }
            if stores.isEmpty { throw CustomKeyStores.notFound(id) }
        } else if let name = request.CustomKeyStoreName {
            stores = stores.filter { $0.name == name }
            if stores.isEmpty { throw CustomKeyStores.notFound(name) }
        }
        let page = try Page.of(stores, limit: request.Limit, defaultLimit: 1000, maxLimit: 1000, marker: request.Marker) {
            $0.id
        }
        return Response(
            CustomKeyStores: page.items.map(Entry.init), NextMarker: page.nextMarker, Truncated: page.nextMarker != nil)
    }
}
