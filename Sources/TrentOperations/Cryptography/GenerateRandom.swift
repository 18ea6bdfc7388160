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
        guard let count = request.NumberOfBytes else {
            throw KMSError.validation(.null(at: "numberOfBytes"))
        }
        var random = SecretBytes.random(count: count)
        if let storeID = request.CustomKeyStoreId {
            // From the random generator of the store's HSM.
            let store = try await call.customKeyStore(storeID)
            guard store.type == "AWS_CLOUDHSM" else {
                // AWS's rule: an external key store cannot generate random bytes.
                throw KMSError(
                    .unsupportedOperation, "External key store IDs are not valid for the CustomKeyStoreId of GenerateRandom.")
            }
            guard store.connectionState == .connected, let connection = await call.kms.hsmConnection(store),
                let drawn = try? connection.random(count: count)
            else {
                throw KMSError(.customKeyStoreInvalidState, "Custom key store \(storeID) is \(store.connectionState.rawValue).")
            }
            random = SecretBytes(drawn)
        }
        guard let enclave else { return Response(Plaintext: random.bytes) }
        return Response(CiphertextForRecipient: try Recipient.seal(random, for: enclave))
    }
}
