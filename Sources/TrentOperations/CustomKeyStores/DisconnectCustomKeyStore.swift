import Foundation
import TrentCore

/// No custom key store exists in Trent (see CustomKeyStores), so every store id is not found.
enum DisconnectCustomKeyStore: KMSOperation {
    static let action = KMSAction.disconnectCustomKeyStore

    static func perform(_ request: CustomKeyStoreIDRequest, _ call: Call) async throws -> NoResponse {
        throw CustomKeyStores.notFound(request.CustomKeyStoreId)
    }
}
