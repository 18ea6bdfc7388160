import Foundation
import TrentCore
import TrentCrypto

enum DeriveSharedSecret: KMSOperation {
    static let action = KMSAction.deriveSharedSecret

    struct Request: Decodable, Sendable {
        var KeyId: String
        var KeyAgreementAlgorithm: String
        var PublicKey: Data
        var GrantTokens: [String]?
        var DryRun: Bool?
        var Recipient: Recipient?
    }

    struct Response: Encodable, Sendable {
        var KeyId: String
        var SharedSecret: Data?
        var KeyAgreementAlgorithm: String
        var KeyOrigin: String
        var CiphertextForRecipient: Data?
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let enclave = try request.Recipient?.enclaveKey(call)
        let record = try await call.resolveKey(request.KeyId, for: action)
        try call.requireUsage(record, .keyAgreement, for: action)
        try call.finishDryRun(request.DryRun)
        let (key, _) = try call.privateKey(of: record)
        let secret: SecretBytes
        do {
            secret = try key.sharedSecret(withPeer: request.PublicKey)
        } catch AsymmetricFailure.unsupported(let what) {
            throw KMSError(.unsupportedOperation, "Trent cannot compute \(what) in this build.")
        } catch {
            throw KMSError.validation(
                "PublicKey is not a DER-encoded SubjectPublicKeyInfo of a key on the curve of \(record.spec.rawValue).")
        }
        return Response(
            KeyId: record.arn.description, SharedSecret: enclave == nil ? secret.bytes : nil,
            KeyAgreementAlgorithm: request.KeyAgreementAlgorithm, KeyOrigin: record.origin.rawValue,
            CiphertextForRecipient: try enclave.map { try Recipient.seal(secret, for: $0) })
    }
}
