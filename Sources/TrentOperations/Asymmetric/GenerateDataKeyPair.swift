import Foundation
import TrentCore
import TrentCrypto

enum GenerateDataKeyPair: KMSOperation {
    static let action = KMSAction.generateDataKeyPair

    struct Request: Decodable, Sendable {
        var EncryptionContext: [String: String]?
        var KeyId: String
        var KeyPairSpec: String
        var GrantTokens: [String]?
        var Recipient: Recipient?
        var DryRun: Bool?
    }

    struct Response: Encodable, Sendable {
        var PrivateKeyCiphertextBlob: Data
        var PrivateKeyPlaintext: Data?
        var PublicKey: Data
        var KeyId: String
        var KeyPairSpec: String
        var KeyMaterialId: String
        var CiphertextForRecipient: Data?
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let enclave = try request.Recipient?.enclaveKey(call)
        return try await DataKeyPair.generate(
            keyID: request.KeyId, spec: request.KeyPairSpec, context: request.EncryptionContext, dryRun: request.DryRun,
            withPlaintext: true, recipient: enclave, call: call, action: action)
    }
}

/// GenerateDataKeyPair and its WithoutPlaintext twin: a new key pair, its private key (PKCS#8 DER) encrypted
/// under a symmetric KMS key in the same blob format as GenerateDataKey, so Decrypt returns it.
enum DataKeyPair {
    static func generate(
        keyID: String, spec raw: String, context: [String: String]?, dryRun: Bool?, withPlaintext: Bool,
        recipient: Data? = nil, call: Call, action: KMSAction
    ) async throws -> GenerateDataKeyPair.Response {
        let record = try await call.resolveKey(keyID, for: action)
        try call.requireUsage(record, .encryptDecrypt, for: action)
        guard record.spec == .symmetricDefault else {
            throw KMSError(.unsupportedOperation, "\(record.arn) is not a symmetric encryption KMS key.")
        }
        guard let type = KeySpec(rawValue: raw)?.keyPairType else {
            throw KMSError.validation("KeyPairSpec \(raw) is not a key pair spec.")
        }
        try call.finishDryRun(dryRun)
        let pair: AsymmetricPrivateKey
        do {
            pair = try AsymmetricPrivateKey.generate(type)
        } catch {
            throw KMSError(.unsupportedOperation, "Trent cannot generate \(raw) key pairs in this build: \(error)")
        }
        let (blob, material) = try await call.sealSymmetric(
            pair.encoded.bytes, with: record, context: context, operation: action.rawValue)
        return GenerateDataKeyPair.Response(
            PrivateKeyCiphertextBlob: blob, PrivateKeyPlaintext: withPlaintext && recipient == nil ? pair.encoded.bytes : nil,
            PublicKey: try pair.publicKeyDER(), KeyId: record.arn.description, KeyPairSpec: raw,
            KeyMaterialId: material.materialID,
            CiphertextForRecipient: try recipient.map { try Recipient.seal(pair.encoded, for: $0) })
    }
}
