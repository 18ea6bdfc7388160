import TrentCore

enum ListKeyPolicies: KMSOperation {
    static let action = KMSAction.listKeyPolicies

    struct Request: Decodable, Sendable {
        var KeyId: String
        var Limit: Int?
        var Marker: String?
    }

    struct Response: Encodable, Sendable {
        var PolicyNames: [String]
        var NextMarker: String?
        var Truncated: Bool
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        _ = try await call.resolveKey(request.KeyId, for: action)
        let page = try Page.of(["default"], limit: request.Limit, defaultLimit: 100, maxLimit: 1000, marker: request.Marker) {
            $0
        }
        return Response(PolicyNames: page.items, NextMarker: page.nextMarker, Truncated: page.nextMarker != nil)
    }
}
