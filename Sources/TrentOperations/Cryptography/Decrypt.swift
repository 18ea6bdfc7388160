import Foundation
import TrentCore

enum Decrypt: KMSOperation {
    static let action = KMSAction.decrypt

    struct Request: Decodable, Sendable {
        var CiphertextBlob: Data?
        var EncryptionContext: [String: String]?
        var GrantTokens: [String]?
        var KeyId: String?
        var EncryptionAlgorithm: String?
        var Recipient: Recipient?
        var DryRun: Bool?
        var DryRunModifiers: [String]?
    }

    struct Response: Encodable, Sendable {
        var KeyId: String
        var Plaintext: Data
        var EncryptionAlgorithm: String
        var KeyMaterialId: String
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        try Recipient.refuse(request.Recipient)
        guard let blob = request.CiphertextBlob else {
            throw KMSError.validation(.null(at: "ciphertextBlob"))
        }
        if request.DryRun == true, request.DryRunModifiers?.contains("IGNORE_CIPHERTEXT") == true {
            if let keyID = request.KeyId {
                let record = try await call.resolveKey(keyID, for: action)
                try call.requireUsage(record, .encryptDecrypt, for: action)
            }
            throw KMSError.dryRun
        }
        let opened = try await call.decrypt(
            blob, keyID: request.KeyId, algorithm: request.EncryptionAlgorithm, context: request.EncryptionContext,
            for: action)
        try call.finishDryRun(request.DryRun)
        return Response(
            KeyId: opened.record.arn.description, Plaintext: opened.plaintext,
            EncryptionAlgorithm: opened.algorithm.rawValue, KeyMaterialId: opened.material.materialID)
    }
}

/// Nitro Enclaves attestation (`Recipient`) needs an enclave's signed attestation document, which Trent
/// cannot verify; it is refused rather than ignored.
struct Recipient: Decodable, Sendable {
    var KeyEncryptionAlgorithm: String?
    var AttestationDocument: Data?

    static func refuse(_ recipient: Recipient?) throws(KMSError) {
        if recipient != nil {
            throw KMSError(.unsupportedOperation, "Trent does not support Recipient (Nitro Enclaves attestation).")
        }
    }
}
