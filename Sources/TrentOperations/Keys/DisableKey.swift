import TrentCore

enum DisableKey: KMSOperation {
    static let action = KMSAction.disableKey

    struct Request: Decodable, Sendable {
        var KeyId: String
    }

    static func perform(_ request: Request, _ call: Call) async throws -> NoResponse {
        var record = try await call.resolveKey(request.KeyId, for: action)
        try call.requireCustomerManaged(record, for: action)
        guard record.state != .disabled else { return NoResponse() }
        let revision = record.revision
        record.state = .disabled
        try await call.store.commit(.key(.put(record, expectedRevision: revision)))
        return NoResponse()
    }
}
