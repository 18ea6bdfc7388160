import Foundation
import TrentCore
import TrentCrypto

enum DeleteImportedKeyMaterial: KMSOperation {
    static let action = KMSAction.deleteImportedKeyMaterial

    struct Request: Decodable, Sendable {
        var KeyId: String
        var KeyMaterialId: String?
    }

    struct Response: Encodable, Sendable {
        var KeyId: String
        var KeyMaterialId: String?
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        var record = try await call.resolveKey(request.KeyId, for: action)
        try call.requireCustomerManaged(record, for: action)
        try call.requireExternal(record)
        // Without KeyMaterialId, the current material (AWS's API reference).
        let target: SealedMaterial?
        if let id = request.KeyMaterialId {
            guard let named = record.materials.first(where: { $0.materialID == id }) else {
                throw KMSError(.notFound, "Key material \(id) is not associated with \(record.arn).")
            }
            target = named
        } else {
            target = record.currentMaterial
        }
        let revision = record.revision
        if let target {
            call.kms.forgetMaterial([target.materialID])
            record.removeImportedMaterial(version: target.version)
            // Withdrawing a primary's waiting material withdraws it from the replicas too (AWS's rule).
            try await call.kms.commitShared(record, expectedRevision: revision)
        }
        return Response(KeyId: record.arn.description, KeyMaterialId: target?.materialID)
    }
}
