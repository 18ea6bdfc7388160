import TrentCore

enum GetKeyPolicy: KMSOperation {
    static let action = KMSAction.getKeyPolicy

    struct Request: Decodable, Sendable {
        var KeyId: String
        var PolicyName: String?
    }

    struct Response: Encodable, Sendable {
        var Policy: String
        var PolicyName: String
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let record = try await call.resolveKey(request.KeyId, for: action)
        let name = request.PolicyName ?? "default"
        guard name == "default" else { throw KMSError.notFound("No such policy exists") }
        return Response(Policy: record.policy, PolicyName: name)
    }
}
