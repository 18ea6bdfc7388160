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
        try Rotation.requireRotatable(record, automatic: false)
        try call.requireNotReplica(record)
        guard record.materials.filter({ $0.rotationType == "ON_DEMAND" }).count < Rotation.onDemandLimit else {
            throw KMSError(
                .limitExceeded,
                "The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: \(record.arn)"
            )
        }
        let revision = record.revision
        if record.origin == .external {
            // Imported key material rotates to the new material imported for it (PENDING_ROTATION).
            guard let pending = record.pendingMaterial,
                let index = record.materials.firstIndex(where: { $0.version == pending.version })
            else {
                throw KMSError.invalidState(
                    "\(record.arn) has no key material in PENDING_ROTATION state. Import new key material with ImportType NEW_KEY_MATERIAL before rotating the key on demand."
                )
            }
            for replica in try await call.kms.peers(of: record)
            where replica.material(version: pending.version)?.isPresent != true {
                throw KMSError.invalidState(
                    "The key material \(pending.materialID) is not yet imported into replica key \(replica.arn). Import it into every replica key before rotating the primary key."
                )
            }
            record.materials[index].rotationType = "ON_DEMAND"
            record.materials[index].createdAt = call.now
            record.currentVersion = pending.version
            record.refreshMaterialValidTo()
        } else {
            try Rotation.rotate(&record, kms: call.kms, at: call.now, type: "ON_DEMAND")
        }
        try await call.kms.commitShared(record, expectedRevision: revision)
        return Response(KeyId: record.arn.description)
    }
}
