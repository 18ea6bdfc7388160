import Foundation
import TrentCore
import TrentCrypto

enum Verify: KMSOperation {
    static let action = KMSAction.verify

    struct Request: Decodable, Sendable {
        var KeyId: String
        var Message: Data
        var MessageType: String?
        var Signature: Data
        var SigningAlgorithm: String
        var GrantTokens: [String]?
        var DryRun: Bool?
    }

    struct Response: Encodable, Sendable {
        var KeyId: String
        var SignatureValid: Bool
        var SigningAlgorithm: String
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let record = try await call.resolveKey(request.KeyId, for: action)
        let (algorithm, input) = try SignatureRequest.prepare(
            record, algorithm: request.SigningAlgorithm, message: request.Message, messageType: request.MessageType,
            call: call, action: action)
        try call.finishDryRun(request.DryRun)
        let (key, _) = try call.privateKey(of: record)
        guard try key.publicKey.isValidSignature(request.Signature, for: input, scheme: algorithm.scheme) else {
            throw KMSError(.invalidSignatureValue, "")
        }
        return Response(KeyId: record.arn.description, SignatureValid: true, SigningAlgorithm: algorithm.rawValue)
    }
}
