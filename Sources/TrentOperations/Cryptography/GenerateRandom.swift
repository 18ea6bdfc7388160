import Foundation
import TrentCore
import TrentCrypto

enum GenerateRandom: KMSOperation {
    static let action = KMSAction.generateRandom

    struct Request: Decodable, Sendable {
        var NumberOfBytes: Int?
        var CustomKeyStoreId: String?
        var Recipient: Recipient?
    }

    struct Response: Encodable, Sendable {
        var Plaintext: Data
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        try Recipient.refuse(request.Recipient)
        if let storeID = request.CustomKeyStoreId {
            throw KMSError(.customKeyStoreNotFound, "Custom key store \(storeID) does not exist. Trent has no custom key stores.")
        }
        guard let count = request.NumberOfBytes else {
            throw KMSError.validation(.null(at: "numberOfBytes"))
        }
        return Response(Plaintext: SecureRandom.bytes(count))
    }
}
