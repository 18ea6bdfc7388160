import Foundation
import TrentCore
import TrentCrypto

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
        var Plaintext: Data?
        var EncryptionAlgorithm: String
        var KeyMaterialId: String
        var CiphertextForRecipient: Data?
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let enclave = try request.Recipient?.enclaveKey(call)
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
            KeyId: opened.record.arn.description, Plaintext: enclave == nil ? opened.plaintext : nil,
            EncryptionAlgorithm: opened.algorithm.rawValue, KeyMaterialId: opened.material.materialID,
            CiphertextForRecipient: try enclave.map { try Recipient.seal(SecretBytes(opened.plaintext), for: $0) })
    }
}

/// `Recipient` (AWS Nitro Enclaves): the enclave's signed attestation document. KMS verifies it, and returns the
/// secret the operation produces only as CiphertextForRecipient (CMS EnvelopedData for the enclave's public key),
/// never in clear.
struct Recipient: Decodable, Sendable {
    var KeyEncryptionAlgorithm: String?
    var AttestationDocument: Data?

    /// The enclave's public key from the verified document; checked before any key is used.
    func enclaveKey(_ call: Call) throws(KMSError) -> Data {
        guard let document = AttestationDocument else {
            throw KMSError.validation(.null(at: "recipient.attestationDocument"))
        }
        let verified: NitroAttestation
        do {
            verified = try NitroAttestation.verify(document, root: call.kms.attestationRoot, at: call.now)
        } catch {
            throw KMSError.validation("The attestation document in Recipient is not valid: \(error).")
        }
        guard let key = verified.publicKey else {
            throw KMSError.validation("The attestation document in Recipient has no public key.")
        }
        return key
    }

    /// `secret` for the enclave: CMS EnvelopedData, RSAES_OAEP_SHA_256 key transport.
    static func seal(_ secret: SecretBytes, for enclave: Data) throws(KMSError) -> Data {
        do {
            return try EnvelopedData.seal(secret, for: enclave)
        } catch {
            throw KMSError.validation(
                "The public key in the attestation document is not an RSA public key that RSAES_OAEP_SHA_256 can encrypt to.")
        }
    }
}
