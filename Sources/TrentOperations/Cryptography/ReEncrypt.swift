import Foundation
import TrentCore

enum ReEncrypt: KMSOperation {
    static let action = KMSAction.reEncrypt

    struct Request: Decodable, Sendable {
        var CiphertextBlob: Data?
        var SourceEncryptionContext: [String: String]?
        var SourceKeyId: String?
        var DestinationKeyId: String
        var DestinationEncryptionContext: [String: String]?
        var SourceEncryptionAlgorithm: String?
        var DestinationEncryptionAlgorithm: String?
        var GrantTokens: [String]?
        var DryRun: Bool?
        var DryRunModifiers: [String]?
    }

    struct Response: Encodable, Sendable {
        var CiphertextBlob: Data
        var SourceKeyId: String
        var KeyId: String
        var SourceEncryptionAlgorithm: String
        var DestinationEncryptionAlgorithm: String
        var SourceKeyMaterialId: String
        var DestinationKeyMaterialId: String
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        guard let blob = request.CiphertextBlob else {
            throw KMSError.validation(.null(at: "ciphertextBlob"))
        }
        let destination = try await call.resolveKey(
            request.DestinationKeyId, for: action, authorizeAs: "kms:ReEncryptTo", contextMember: "DestinationEncryptionContext")
        try call.requireUsage(destination, .encryptDecrypt, for: action)
        let algorithm = try call.encryptionAlgorithm(request.DestinationEncryptionAlgorithm, for: destination)
        if request.DryRun == true, request.DryRunModifiers?.contains("IGNORE_CIPHERTEXT") == true {
            throw KMSError.dryRun
        }
        let source = try await call.decrypt(
            blob, keyID: request.SourceKeyId, algorithm: request.SourceEncryptionAlgorithm,
            context: request.SourceEncryptionContext, for: action)
        try call.finishDryRun(request.DryRun)
        let (newBlob, material) = try await call.encrypt(
            source.plaintext, with: destination, algorithm: algorithm, context: request.DestinationEncryptionContext)
        return Response(
            CiphertextBlob: newBlob, SourceKeyId: source.record.arn.description, KeyId: destination.arn.description,
            SourceEncryptionAlgorithm: source.algorithm.rawValue, DestinationEncryptionAlgorithm: algorithm.rawValue,
            SourceKeyMaterialId: source.material.materialID, DestinationKeyMaterialId: material.materialID)
    }
}
