import Foundation
import TrentCore

enum GetKeyRotationStatus: KMSOperation {
    static let action = KMSAction.getKeyRotationStatus

    struct Request: Decodable, Sendable {
        var KeyId: String
    }

    struct Response: Encodable, Sendable {
        var KeyRotationEnabled: Bool
        var KeyId: String
        var RotationPeriodInDays: Int?
        var NextRotationDate: Date?
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let record = try await call.resolveKey(request.KeyId, for: action)
        try Rotation.requireRotatable(record, automatic: false)
        let pending = record.state == .pendingDeletion || record.state == .pendingReplicaDeletion
        return Response(
            // While the key is pending deletion its rotation is suspended and reported false; CancelKeyDeletion
            // brings the setting back (AWS's GetKeyRotationStatus reference).
            KeyRotationEnabled: record.rotationPeriodDays != nil && !pending, KeyId: record.arn.description,
            RotationPeriodInDays: record.rotationPeriodDays, NextRotationDate: pending ? nil : record.nextRotationDate)
    }
}
