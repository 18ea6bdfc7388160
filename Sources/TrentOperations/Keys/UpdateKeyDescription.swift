import TrentCore

enum UpdateKeyDescription: KMSOperation {
    static let action = KMSAction.updateKeyDescription

    struct Request: Decodable, Sendable {
        var KeyId: String
        var Description: String
    }

    static func perform(_ request: Request, _ call: Call) async throws -> NoResponse {
        var record = try await call.resolveKey(request.KeyId, for: action)
        try call.requireCustomerManaged(record, for: action)
        let revision = record.revision
        record.description = request.Description
        try await call.store.commit(.key(.put(record, expectedRevision: revision)))
        return NoResponse()
    }
}
