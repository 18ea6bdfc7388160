import TrentCore

enum ListResourceTags: KMSOperation {
    static let action = KMSAction.listResourceTags

    struct Request: Decodable, Sendable {
        var KeyId: String
        var Limit: Int?
        var Marker: String?
    }

    struct Response: Encodable, Sendable {
        var Tags: [WireTag]
        var NextMarker: String?
        var Truncated: Bool
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let record = try await call.resolveKey(request.KeyId, for: action)
        let sorted = record.tags.sorted { $0.key < $1.key }
        let page = try Page.of(sorted, limit: request.Limit, defaultLimit: 50, maxLimit: 50, marker: request.Marker) { $0.key }
        return Response(Tags: page.items.map(WireTag.init), NextMarker: page.nextMarker, Truncated: page.nextMarker != nil)
    }
}
