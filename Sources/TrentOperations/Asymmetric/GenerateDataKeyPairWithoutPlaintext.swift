import Foundation
import TrentCore

enum GenerateDataKeyPairWithoutPlaintext: KMSOperation {
    static let action = KMSAction.generateDataKeyPairWithoutPlaintext

    struct Request: Decodable, Sendable {
        var EncryptionContext: [String: String]?
        var KeyId: String
        var KeyPairSpec: String
        var GrantTokens: [String]?
        var DryRun: Bool?
    }

    static func perform(_ request: Request, _ call: Call) async throws -> GenerateDataKeyPair.Response {
        try await DataKeyPair.generate(
            keyID: request.KeyId, spec: request.KeyPairSpec, context: request.EncryptionContext, dryRun: request.DryRun,
            withPlaintext: false, call: call, action: action)
    }
}
