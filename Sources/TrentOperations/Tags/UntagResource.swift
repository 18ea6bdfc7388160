import TrentCore

enum UntagResource: KMSOperation {
    static let action = KMSAction.untagResource

    struct Request: Decodable, Sendable {
        var KeyId: String
        var TagKeys: [String]
    }

    static func perform(_ request: Request, _ call: Call) async throws -> NoResponse {
        var record = try await call.resolveKey(request.KeyId, for: action)
        try call.requireCustomerManaged(record, for: action)
        if request.TagKeys.contains(where: { $0.lowercased().hasPrefix("aws:") }) {
            throw KMSError(.tag, "Tags beginning with aws: are reserved")
        }
        let revision = record.revision
        let remove = Set(request.TagKeys)
        record.tags.removeAll { remove.contains($0.key) }
        try await call.store.commit(.key(.put(record, expectedRevision: revision)))
        return NoResponse()
    }
}
