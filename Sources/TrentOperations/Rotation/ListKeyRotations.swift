import Foundation
import TrentCore

enum ListKeyRotations: KMSOperation {
    static let action = KMSAction.listKeyRotations

    struct Request: Decodable, Sendable {
        var KeyId: String
        var IncludeKeyMaterial: String?
        var Limit: Int?
        var Marker: String?
    }

    struct Entry: Encodable, Sendable {
        var KeyId: String
        var KeyMaterialId: String
        var KeyMaterialDescription: String?
        var ImportState: String?
        var KeyMaterialState: String
        var ExpirationModel: String?
        var ValidTo: Date?
        var RotationDate: Date?
        var RotationType: String?

        /// One material of the key; the import fields only for imported material, as AWS lists them.
        init(_ m: SealedMaterial, of record: KeyRecord, awaitingReplicas: Bool = false) {
            KeyId = record.arn.description
            KeyMaterialId = m.materialID
            let state = record.materialState(of: m)
            // A multi-Region primary's new material waits for every replica first.
            KeyMaterialState =
                state == "PENDING_ROTATION" && awaitingReplicas ? "PENDING_MULTI_REGION_IMPORT_AND_ROTATION" : state
            RotationDate = m.rotationType == nil ? nil : m.createdAt
            RotationType = m.rotationType
            guard record.origin == .external else { return }
            KeyMaterialDescription = m.materialDescription
            ImportState = m.isPresent ? "IMPORTED" : "PENDING_IMPORT"
            if m.isPresent {
                ExpirationModel = m.validTo == nil ? "KEY_MATERIAL_DOES_NOT_EXPIRE" : "KEY_MATERIAL_EXPIRES"
                ValidTo = m.validTo
            }
        }
    }

    struct Response: Encodable, Sendable {
        var Rotations: [Entry]
        var NextMarker: String?
        var Truncated: Bool
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let record = try await call.resolveKey(request.KeyId, for: action)
        try Rotation.requireRotatable(record, automatic: false)
        let all = request.IncludeKeyMaterial == "ALL_KEY_MATERIAL"
        let materials = record.materials.sorted { $0.version < $1.version }.filter { all || $0.rotationType != nil }
        // A multi-Region primary's new imported material waits until every replica has it.
        var awaiting: Set<UInt32> = []
        if record.origin == .external, record.isMultiRegionPrimary, let pending = record.pendingMaterial {
            for replica in try await call.kms.peers(of: record)
            where replica.material(version: pending.version)?.isPresent != true {
                awaiting.insert(pending.version)
            }
        }
        let page = try Page.of(materials, limit: request.Limit, defaultLimit: 100, maxLimit: 1000, marker: request.Marker) {
            String(format: "%010u", $0.version)
        }
        return Response(
            Rotations: page.items.map { Entry($0, of: record, awaitingReplicas: awaiting.contains($0.version)) },
            NextMarker: page.nextMarker, Truncated: page.nextMarker != nil)
    }
}
