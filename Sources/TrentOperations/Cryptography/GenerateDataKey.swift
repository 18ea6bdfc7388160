import Foundation
import TrentCore
import TrentCrypto

enum GenerateDataKey: KMSOperation {
    static let action = KMSAction.generateDataKey

    struct Request: Decodable, Sendable {
        var KeyId: String
        var EncryptionContext: [String: String]?
        var NumberOfBytes: Int?
        var KeySpec: String?
        var GrantTokens: [String]?
        var Recipient: Recipient?
        var DryRun: Bool?
    }

    struct Response: Encodable, Sendable {
        var CiphertextBlob: Data
        var Plaintext: Data?
        var KeyId: String
        var KeyMaterialId: String
        var CiphertextForRecipient: Data?
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let enclave = try request.Recipient?.enclaveKey(call)
        let made = try await DataKey.make(
            keyID: request.KeyId, keySpec: request.KeySpec, numberOfBytes: request.NumberOfBytes,
            context: request.EncryptionContext, dryRun: request.DryRun, action: action, call: call)
        return Response(
            CiphertextBlob: made.blob, Plaintext: enclave == nil ? made.plaintext.bytes : nil, KeyId: made.key.arn.description,
            KeyMaterialId: made.material.materialID,
            CiphertextForRecipient: try enclave.map { try Recipient.seal(made.plaintext, for: $0) })
    }
}

/// What GenerateDataKey and GenerateDataKeyWithoutPlaintext share: the size rules and the sealing.
enum DataKey {
    static func size(keySpec: String?, numberOfBytes: Int?) throws(KMSError) -> Int {
        switch (keySpec, numberOfBytes) {
        case (nil, nil), (.some, .some):
            throw KMSError.validation("Please specify either number of bytes or key spec.")
        case (let spec?, nil):
            return spec == "AES_128" ? 16 : 32
        case (nil, let n?):
            return n
        }
    }

    static func make(
        keyID: String, keySpec: String?, numberOfBytes: Int?, context: [String: String]?, dryRun: Bool?,
        action: KMSAction, call: Call
    ) async throws -> (key: KeyRecord, plaintext: SecretBytes, blob: Data, material: SealedMaterial) {
        let size = try size(keySpec: keySpec, numberOfBytes: numberOfBytes)
        let record = try await call.resolveKey(keyID, for: action)
        try call.requireUsage(record, .encryptDecrypt, for: action)
        guard record.spec == .symmetricDefault else {
            throw KMSError(.invalidKeyUsage, "\(record.arn) is not a symmetric encryption key; \(action.rawValue) needs one.")
        }
        try call.finishDryRun(dryRun)
        let plaintext = SecretBytes.random(count: size)
        let (blob, material) = try await call.sealSymmetric(
            plaintext.bytes, with: record, context: context, operation: action.rawValue)
        return (record, plaintext, blob, material)
    }
}
