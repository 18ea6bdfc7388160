import Foundation
import TrentCore
import TrentCrypto

enum Sign: KMSOperation {
    static let action = KMSAction.sign

    struct Request: Decodable, Sendable {
        var KeyId: String
        var Message: Data
        var MessageType: String?
        var GrantTokens: [String]?
        var SigningAlgorithm: String
        var DryRun: Bool?
    }

    struct Response: Encodable, Sendable {
        var KeyId: String
        var Signature: Data
        var SigningAlgorithm: String
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let record = try await call.resolveKey(request.KeyId, for: action)
        let (algorithm, input) = try SignatureRequest.prepare(
            record, algorithm: request.SigningAlgorithm, message: request.Message, messageType: request.MessageType,
            call: call, action: action)
        try call.finishDryRun(request.DryRun)
        let (key, _) = try call.privateKey(of: record)
        let signature: Data
        do {
            signature = try key.sign(input, scheme: algorithm.scheme)
        } catch {
            throw SignatureRequest.unavailable(error, algorithm, record)
        }
        return Response(KeyId: record.arn.description, Signature: signature, SigningAlgorithm: algorithm.rawValue)
    }
}
