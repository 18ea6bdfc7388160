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
        let removed = record.currentMaterial?.materialID
        let revision = record.revision
        call.kms.forgetMaterial(record.materials.map(\.materialID))
        record.dropImportedMaterial()
        try await call.store.commit(.key(.put(record, expectedRevision: revision)))
        return Response(KeyId: record.arn.description, KeyMaterialId: removed)
    }
}
