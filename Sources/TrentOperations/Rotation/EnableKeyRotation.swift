import Foundation
import TrentCore

enum EnableKeyRotation: KMSOperation {
    static let action = KMSAction.enableKeyRotation

    struct Request: Decodable, Sendable {
        var KeyId: String
        var RotationPeriodInDays: Int?
    }

    static func perform(_ request: Request, _ call: Call) async throws -> NoResponse {
        var record = try await call.resolveKey(request.KeyId, for: action)
        try call.requireCustomerManaged(record, for: action)
        try Rotation.requireRotatable(record)
        try call.requireNotReplica(record)
        let period = request.RotationPeriodInDays ?? Rotation.defaultPeriodDays
        let revision = record.revision
        // The next rotation counts from the current material's creation, as AWS counts it.
        let since = record.currentMaterial?.createdAt ?? call.now
        record.rotationPeriodDays = period
        record.nextRotationDate = max(since.addingTimeInterval(TimeInterval(period) * 86400), call.now)
        try await call.kms.commitShared(record, expectedRevision: revision)
        return NoResponse()
    }
}
