import Foundation
import TrentCore

/// Deletes a disconnected store that holds no keys (keys pending deletion count until they are gone).
enum DeleteCustomKeyStore: KMSOperation {
    static let action = KMSAction.deleteCustomKeyStore

    static func perform(_ request: CustomKeyStoreIDRequest, _ call: Call) async throws -> NoResponse {
        let record = try await call.customKeyStore(request.CustomKeyStoreId)
        guard record.connectionState == .disconnected else {
            throw KMSError(
                .customKeyStoreInvalidState,
                "Custom key store \(record.id) is \(record.connectionState.rawValue). Disconnect it before deleting it.")
        }
        if try await call.store.keys(in: call.scope).contains(where: {
            $0.customKeyStoreID == record.id && !$0.isDeleted(at: call.now)
        }) {
            throw KMSError(
                .customKeyStoreHasCMKs,
                "Custom key store \(record.id) contains KMS keys. Delete them (ScheduleKeyDeletion) before deleting the store.")
        }
        try await call.store.commit(
            ChangeSet(customKeyStores: [.delete(record.scope, id: record.id, expectedRevision: record.revision)]))
        return NoResponse()
    }
}
