import Foundation
import TrentCore

enum ListGrants: KMSOperation {
    static let action = KMSAction.listGrants

    struct Request: Decodable, Sendable {
        var Limit: Int?
        var Marker: String?
        var KeyId: String
        var GrantId: String?
        var GranteePrincipal: String?
    }

    struct Response: Encodable, Sendable {
        var Grants: [GrantListEntry]
        var NextMarker: String?
        var Truncated: Bool
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let record = try await call.resolveKey(request.KeyId, for: action)
        let grants = record.grants
            .filter { request.GrantId == nil || $0.grantID == request.GrantId }
            .filter { request.GranteePrincipal == nil || $0.granteePrincipal == request.GranteePrincipal }
            .sorted { $0.grantID < $1.grantID }
        let page = try Page.of(grants, limit: request.Limit, defaultLimit: 50, maxLimit: 100, marker: request.Marker) {
            $0.grantID
        }
        return Response(
            Grants: page.items.map { GrantListEntry($0, of: record) }, NextMarker: page.nextMarker,
            Truncated: page.nextMarker != nil)
    }
}
