import TrentCore

enum ListKeys: KMSOperation {
    static let action = KMSAction.listKeys

    struct Request: Decodable, Sendable {
        var Limit: Int?
        var Marker: String?
    }

    struct Entry: Encodable, Sendable {
        var KeyId: String
        var KeyArn: String
    }

    struct Response: Encodable, Sendable {
        var Keys: [Entry]
        var NextMarker: String?
        var Truncated: Bool
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let keys = try await call.store.keys(in: call.scope).filter { !$0.isDeleted(at: call.now) }
        let page = try Page.of(keys, limit: request.Limit, defaultLimit: 100, maxLimit: 1000, marker: request.Marker) {
            $0.identity.id.rawValue
        }
        return Response(
            Keys: page.items.map { Entry(KeyId: $0.identity.id.rawValue, KeyArn: $0.arn.description) },
            NextMarker: page.nextMarker, Truncated: page.nextMarker != nil)
    }
}
