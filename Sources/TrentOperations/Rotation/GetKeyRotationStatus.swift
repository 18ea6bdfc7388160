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
        try Rotation.requireRotatable(record)
        return Response(
            KeyRotationEnabled: record.rotationPeriodDays != nil, KeyId: record.arn.description,
            RotationPeriodInDays: record.rotationPeriodDays, NextRotationDate: record.nextRotationDate)
    }
}
