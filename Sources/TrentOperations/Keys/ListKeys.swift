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
        // One more than the page from the store's index tells whether another page follows.
        let size = min(request.Limit ?? 100, 1000)
        let after = try PageMarker.position(request.Marker, as: KeyID.init)
        let ids = try await call.store.keyPage(in: call.scope, after: after, limit: size + 1, liveAt: call.now)
        let items = ids.prefix(size)
        let truncated = ids.count > size
        return Response(
            Keys: items.map {
                Entry(KeyId: $0.rawValue, KeyArn: KeyARN(identity: KeyIdentity(scope: call.scope, id: $0)).description)
            },
            NextMarker: truncated ? items.last.map { PageMarker.encode($0.rawValue) } : nil, Truncated: truncated)
    }
}
