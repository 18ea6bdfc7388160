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
        var Plaintext: Data?
        var CiphertextForRecipient: Data?
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let enclave = try request.Recipient?.enclaveKey(call)
        if let storeID = request.CustomKeyStoreId {
            throw KMSError(.customKeyStoreNotFound, "Custom key store \(storeID) does not exist. Trent has no custom key stores.")
        }
        guard let count = request.NumberOfBytes else {
            throw KMSError.validation(.null(at: "numberOfBytes"))
        }
        let random = SecretBytes.random(count: count)
        guard let enclave else { return Response(Plaintext: random.bytes) }
        return Response(CiphertextForRecipient: try Recipient.seal(random, for: enclave))
    }
}
