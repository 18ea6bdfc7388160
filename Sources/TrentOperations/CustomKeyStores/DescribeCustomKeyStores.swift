import Foundation
import TrentCore

/// Trent has no custom key stores (CloudHSM or external key stores): the list is empty, and a named store
/// does not exist.
enum DescribeCustomKeyStores: KMSOperation {
    static let action = KMSAction.describeCustomKeyStores

    struct Request: Decodable, Sendable {
        var CustomKeyStoreId: String?
        var CustomKeyStoreName: String?
        var Limit: Int?
        var Marker: String?
    }

    struct Entry: Encodable, Sendable {}

    struct Response: Encodable, Sendable {
        var CustomKeyStores: [Entry]
        var Truncated: Bool
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        if let name = request.CustomKeyStoreId ?? request.CustomKeyStoreName {
            throw CustomKeyStores.notFound(name)
        }
        if let marker = request.Marker { throw KMSError(.invalidMarker, "Invalid marker: \(marker)") }
        return Response(CustomKeyStores: [], Truncated: false)
    }
}
