import Foundation
import TrentCore

enum VerifyMac: KMSOperation {
    static let action = KMSAction.verifyMac

    struct Request: Decodable, Sendable {
        var Message: Data
        var KeyId: String
        var MacAlgorithm: String
        var Mac: Data
        var GrantTokens: [String]?
        var DryRun: Bool?
    }

    struct Response: Encodable, Sendable {
        var KeyId: String
        var MacValid: Bool
        var MacAlgorithm: String
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let record = try await call.resolveKey(request.KeyId, for: action)
        try MacRequest.check(record, algorithm: request.MacAlgorithm, call: call, action: action)
        try call.finishDryRun(request.DryRun)
        let (algorithm, key) = try call.macKey(of: record)
        guard algorithm.verify(request.Mac, for: request.Message, key: key) else {
            throw KMSError(.invalidMac, "")
        }
        return Response(KeyId: record.arn.description, MacValid: true, MacAlgorithm: request.MacAlgorithm)
    }
}
