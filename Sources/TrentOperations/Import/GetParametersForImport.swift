import Foundation
import TrentCore
import TrentCrypto

enum GetParametersForImport: KMSOperation {
    static let action = KMSAction.getParametersForImport

    struct Request: Decodable, Sendable {
        var KeyId: String
        var WrappingAlgorithm: String
        var WrappingKeySpec: String
    }

    struct Response: Encodable, Sendable {
        var KeyId: String
        var ImportToken: Data
        var PublicKey: Data
        var ParametersValidTo: Date
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let record = try await call.resolveKey(request.KeyId, for: action)
        try call.requireCustomerManaged(record, for: action)
        try call.requireExternal(record)
        guard
            ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256"]
                .contains(request.WrappingAlgorithm)
        else {
            throw KMSError(
                .unsupportedOperation,
                "Trent supports the wrapping algorithms RSAES_OAEP_SHA_1/256 and RSA_AES_KEY_WRAP_SHA_1/256, not \(request.WrappingAlgorithm)."
            )
        }
        let type: AsymmetricKeyType
        switch request.WrappingKeySpec {
        case "RSA_2048": type = .rsa2048
        case "RSA_3072": type = .rsa3072
        case "RSA_4096": type = .rsa4096
        default: throw KMSError(.unsupportedOperation, "Trent supports RSA wrapping keys only.")
        }
        let wrapping = try AsymmetricPrivateKey.generate(type)
        let token = TrentOperations.ImportToken(
            keyARN: record.arn.description, wrappingAlgorithm: request.WrappingAlgorithm,
            wrappingKeySpec: request.WrappingKeySpec,
            privateKey: wrapping.encoded.bytes, validTo: call.now.addingTimeInterval(TrentOperations.ImportToken.lifetime))
        return Response(
            KeyId: record.arn.description, ImportToken: try token.seal(call.kms.sealer), PublicKey: try wrapping.publicKeyDER(),
            ParametersValidTo: token.validTo)
    }
}
