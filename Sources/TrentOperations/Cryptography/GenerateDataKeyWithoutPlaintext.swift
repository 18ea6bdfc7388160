import Foundation
import TrentCore

enum GenerateDataKeyWithoutPlaintext: KMSOperation {
    static let action = KMSAction.generateDataKeyWithoutPlaintext

    struct Request: Decodable, Sendable {
        var KeyId: String
        var EncryptionContext: [String: String]?
        var KeySpec: String?
        var NumberOfBytes: Int?
        var GrantTokens: [String]?
        var DryRun: Bool?
    }

    struct Response: Encodable, Sendable {
        var CiphertextBlob: Data
        var KeyId: String
        var KeyMaterialId: String
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let made = try await DataKey.make(
            keyID: request.KeyId, keySpec: request.KeySpec, numberOfBytes: request.NumberOfBytes,
            context: request.EncryptionContext, dryRun: request.DryRun, action: action, call: call)
        return Response(CiphertextBlob: made.blob, KeyId: made.key.arn.description, KeyMaterialId: made.material.materialID)
    }
}
