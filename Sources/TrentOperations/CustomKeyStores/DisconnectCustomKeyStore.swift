import Foundation
import TrentCore

/// Disconnects a store from its cluster: its keys become Unavailable until it is connected again.
enum DisconnectCustomKeyStore: KMSOperation {
    static let action = KMSAction.disconnectCustomKeyStore

    static func perform(_ request: CustomKeyStoreIDRequest, _ call: Call) async throws -> NoResponse {
        var record = try await call.customKeyStore(request.CustomKeyStoreId)
        guard record.connectionState != .disconnected, record.connectionState != .disconnecting else {
            throw KMSError(
                .customKeyStoreInvalidState, "Custom key store \(record.id) is \(record.connectionState.rawValue).")
        }
        let revision = record.revision
        record.connectionState = .disconnected
        record.connectionErrorCode = nil
        var keys: [KeyChange] = []
        // Enabled and disabled keys alike are Unavailable until the store is connected again, then as they were.
        for var key in try await call.store.keys(in: call.scope)
        where key.customKeyStoreID == record.id && (key.state == .enabled || key.state == .disabled) {
            let keyRevision = key.revision
            key.stateBeforeUnavailable = key.state
            key.state = .unavailable
            keys.append(.put(key, expectedRevision: keyRevision))
        }
        try await call.store.commit(ChangeSet(keys: keys, customKeyStores: [.put(record, expectedRevision: revision)]))
        call.kms.dropConnection(record.scope, record.id)
        return NoResponse()
    }
}
