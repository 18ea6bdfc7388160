import Foundation
import TrentCore

enum Encrypt: KMSOperation {
    static let action = KMSAction.encrypt

    struct Request: Decodable, Sendable {
        var KeyId: String
        var Plaintext: Data
        var EncryptionContext: [String: String]?
        var GrantTokens: [String]?
        var EncryptionAlgorithm: String?
        var DryRun: Bool?
    }

    struct Response: Encodable, Sendable {
        var CiphertextBlob: Data
        var KeyId: String
        var EncryptionAlgorithm: String
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let record = try await call.resolveKey(request.KeyId, for: action)
        try call.requireUsage(record, .encryptDecrypt, for: action)
        let algorithm = try call.encryptionAlgorithm(request.EncryptionAlgorithm, for: record)
        try call.finishDryRun(request.DryRun)
        let (blob, _) = try await call.encrypt(
            request.Plaintext, with: record, algorithm: algorithm, context: request.EncryptionContext)
        return Response(CiphertextBlob: blob, KeyId: record.arn.description, EncryptionAlgorithm: algorithm.rawValue)
    }
}
