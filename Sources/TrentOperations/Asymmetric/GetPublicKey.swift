import Foundation
import TrentCore

enum GetPublicKey: KMSOperation {
    static let action = KMSAction.getPublicKey

    struct Request: Decodable, Sendable {
        var KeyId: String
        var GrantTokens: [String]?
    }

    struct Response: Encodable, Sendable {
        var KeyId: String
        var PublicKey: Data
        var CustomerMasterKeySpec: String
        var KeySpec: String
        var KeyUsage: String
        var EncryptionAlgorithms: [String]?
        var SigningAlgorithms: [String]?
        var KeyAgreementAlgorithms: [String]?
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let record = try await call.resolveKey(request.KeyId, for: action)
        guard record.family == .asymmetric else {
            throw KMSError(.unsupportedOperation, "\(record.arn) is not an asymmetric KMS key: it has no public key.")
        }
        let (key, _) = try call.privateKey(of: record)
        let metadata = KeyMetadata(record)
        return Response(
            KeyId: record.arn.description, PublicKey: try key.publicKeyDER(), CustomerMasterKeySpec: record.spec.rawValue,
            KeySpec: record.spec.rawValue, KeyUsage: record.usage.rawValue,
            EncryptionAlgorithms: metadata.EncryptionAlgorithms, SigningAlgorithms: metadata.SigningAlgorithms,
            KeyAgreementAlgorithms: metadata.KeyAgreementAlgorithms)
    }
}
