import Foundation
import TrentCore

enum RevokeGrant: KMSOperation {
    static let action = KMSAction.revokeGrant

    struct Request: Decodable, Sendable {
        var KeyId: String
        var GrantId: String
        var DryRun: Bool?
    }

    static func perform(_ request: Request, _ call: Call) async throws -> NoResponse {
        var record = try await call.resolveKey(request.KeyId, for: action)
        guard record.grants.contains(where: { $0.grantID == request.GrantId }) else {
            throw KMSError.notFound("Grant \(request.GrantId) does not exist on \(record.arn).")
        }
        try call.finishDryRun(request.DryRun)
        let revision = record.revision
        record.grants.removeAll { $0.grantID == request.GrantId }
        try await call.store.commit(.key(.put(record, expectedRevision: revision)))
        return NoResponse()
    }
}
