import Foundation
import TrentCore

enum DisableKeyRotation: KMSOperation {
    static let action = KMSAction.disableKeyRotation

    struct Request: Decodable, Sendable {
        var KeyId: String
    }

    static func perform(_ request: Request, _ call: Call) async throws -> NoResponse {
        var record = try await call.resolveKey(request.KeyId, for: action)
        try call.requireCustomerManaged(record, for: action)
        try Rotation.requireRotatable(record)
        try call.requireNotReplica(record)
        let revision = record.revision
        record.rotationPeriodDays = nil
        record.nextRotationDate = nil
        try await call.kms.commitShared(record, expectedRevision: revision)
        return NoResponse()
    }
}
