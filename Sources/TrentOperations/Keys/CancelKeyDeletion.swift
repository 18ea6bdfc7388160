import TrentCore

enum CancelKeyDeletion: KMSOperation {
    static let action = KMSAction.cancelKeyDeletion

    struct Request: Decodable, Sendable {
        var KeyId: String
    }

    struct Response: Encodable, Sendable {
        var KeyId: String
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        var record = try await call.resolveKey(request.KeyId, for: action)
        try call.requireCustomerManaged(record, for: action)
        guard record.state == .pendingDeletion || record.state == .pendingReplicaDeletion else {
            throw KMSError.invalidState("\(record.arn) is not pending deletion.")
        }
        let revision = record.revision
        // AWS leaves a key whose deletion was cancelled disabled.
        record.state = .disabled
        record.deletionDate = nil
        record.pendingWindowInDays = nil
        try await call.store.commit(.key(.put(record, expectedRevision: revision)))
        return Response(KeyId: record.arn.description)
    }
}
