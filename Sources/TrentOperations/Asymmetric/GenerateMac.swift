import Foundation
import TrentCore

enum GenerateMac: KMSOperation {
    static let action = KMSAction.generateMac

    struct Request: Decodable, Sendable {
        var Message: Data
        var KeyId: String
        var MacAlgorithm: String
        var GrantTokens: [String]?
        var DryRun: Bool?
    }

    struct Response: Encodable, Sendable {
        var Mac: Data
        var MacAlgorithm: String
        var KeyId: String
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let record = try await call.resolveKey(request.KeyId, for: action)
        try MacRequest.check(record, algorithm: request.MacAlgorithm, call: call, action: action)
        try call.finishDryRun(request.DryRun)
        let (algorithm, key) = try call.macKey(of: record)
        return Response(
            Mac: algorithm.authenticate(request.Message, key: key), MacAlgorithm: request.MacAlgorithm,
            KeyId: record.arn.description)
    }
}

enum MacRequest {
    static func check(_ record: KeyRecord, algorithm: String, call: Call, action: KMSAction) throws(KMSError) {
        try call.requireUsage(record, .generateVerifyMac, for: action)
        guard record.spec.capabilities.macAlgorithms.map(\.rawValue).contains(algorithm) else {
            throw KMSError(
                .invalidKeyUsage,
                "The MAC algorithm \(algorithm) is not compatible with the key spec \(record.spec.rawValue) of \(record.arn).")
        }
    }
}
