import TrentCore

enum TagResource: KMSOperation {
    static let action = KMSAction.tagResource

    struct Request: Decodable, Sendable {
        var KeyId: String
        var Tags: [WireTag]
    }

    static func perform(_ request: Request, _ call: Call) async throws -> NoResponse {
        var record = try await call.resolveKey(request.KeyId, for: action)
        try call.requireCustomerManaged(record, for: action)
        let revision = record.revision
        record.tags = try TagRules.validate(request.Tags, existing: record.tags)
        try await call.store.commit(.key(.put(record, expectedRevision: revision)))
        return NoResponse()
    }
}
