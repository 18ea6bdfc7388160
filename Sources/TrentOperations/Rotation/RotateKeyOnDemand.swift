import Foundation
import TrentCore

enum RotateKeyOnDemand: KMSOperation {
    static let action = KMSAction.rotateKeyOnDemand

    struct Request: Decodable, Sendable {
        var KeyId: String
    }

    struct Response: Encodable, Sendable {
        var KeyId: String
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        var record = try await call.resolveKey(request.KeyId, for: action)
        try call.requireCustomerManaged(record, for: action)
        try Rotation.requireRotatable(record)
        try call.requireNotReplica(record)
        guard record.materials.filter({ $0.rotationType == "ON_DEMAND" }).count < Rotation.onDemandLimit else {
            throw KMSError(
                .limitExceeded,
                "The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: \(record.arn)"
            )
        }
        let revision = record.revision
        try Rotation.rotate(&record, kms: call.kms, at: call.now, type: "ON_DEMAND")
        try await call.kms.commitShared(record, expectedRevision: revision)
        return Response(KeyId: record.arn.description)
    }
}
