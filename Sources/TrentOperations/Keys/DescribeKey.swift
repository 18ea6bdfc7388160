import TrentCore

enum DescribeKey: KMSOperation {
    static let action = KMSAction.describeKey

    struct Request: Decodable, Sendable {
        var KeyId: String
        var GrantTokens: [String]?
    }

    struct Response: Encodable, Sendable {
        var KeyMetadata: KeyMetadata
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let record = try await call.resolveKey(request.KeyId, for: action)
        return Response(KeyMetadata: KeyMetadata(record))
    }
}
