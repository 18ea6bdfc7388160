import Foundation
import Logging
import TrentCore

/// Connects a store to its cluster, asynchronously as AWS does: the store is CONNECTING when the call returns,
/// then CONNECTED, or FAILED with a ConnectionErrorCode; clients poll DescribeCustomKeyStores.
enum ConnectCustomKeyStore: KMSOperation {
    static let action = KMSAction.connectCustomKeyStore

    static func perform(_ request: CustomKeyStoreIDRequest, _ call: Call) async throws -> NoResponse {
        var record = try await call.customKeyStore(request.CustomKeyStoreId)
        switch record.connectionState {
        case .disconnecting, .failed:
            throw KMSError(
                .customKeyStoreInvalidState,
                "Custom key store \(record.id) is \(record.connectionState.rawValue). Disconnect it before connecting it again.")
        case .connected, .connecting:
            return NoResponse()
        case .disconnected:
            break
        }
        let revision = record.revision
        record.connectionState = .connecting
        record.connectionErrorCode = nil
        try await call.store.commit(ChangeSet(customKeyStores: [.put(record, expectedRevision: revision)]))
        record.revision = revision + 1
        let kms = call.kms
        let connecting = record
        Task.detached { await finish(connecting, kms: kms) }
        return NoResponse()
    }

    /// Logs in, then records the outcome; on success the store's unavailable keys are enabled again.
    static func finish(_ record: CustomKeyStoreRecord, kms: KMS) async {
        var outcome = record
        var connection: (any HSMConnection)?
        var xksEndpoint: XKSEndpoint?
        if record.type == "EXTERNAL_KEY_STORE" {
            let endpoint = kms.xksEndpoint(record)
            if let transport = kms.xks, let endpoint {
                if let failure = await ExternalKeyStores.health(
                    endpoint, transport: transport, operation: "ConnectCustomKeyStore")
                {
                    outcome.connectionState = .failed
                    outcome.connectionErrorCode = ExternalKeyStores.connectionErrorCode(failure)
                } else {
                    outcome.connectionState = .connected
                    xksEndpoint = endpoint
                }
            } else {
                outcome.connectionState = .failed
                outcome.connectionErrorCode = "XKS_PROXY_NOT_REACHABLE"
            }
        } else {
            switch await kms.logIn(record) {
            case .success(let made):
                connection = made
                outcome.connectionState = .connected
            case .failure(let failure):
                outcome.connectionState = .failed
                outcome.connectionErrorCode = failure.code
                kms.logger.warning("custom key store \(record.id) failed to connect: \(failure.code)")
            }
        }
        do {
            var keys: [KeyChange] = []
            if connection != nil || xksEndpoint != nil {
                for var key in try await kms.store.keys(in: record.scope)
                where key.customKeyStoreID == record.id && key.state == .unavailable {
                    let revision = key.revision
                    key.state = key.stateBeforeUnavailable ?? .enabled
                    key.stateBeforeUnavailable = nil
                    keys.append(.put(key, expectedRevision: revision))
                }
            }
            try await kms.store.commit(
                ChangeSet(keys: keys, customKeyStores: [.put(outcome, expectedRevision: record.revision)]))
            if let connection {
                kms.connections.withLock { $0[CustomKeyStores.connectionKey(record.scope, record.id)] = connection }
            }
            if let xksEndpoint {
                kms.xksEndpoints.withLock { $0[CustomKeyStores.connectionKey(record.scope, record.id)] = xksEndpoint }
            }
        } catch {
            // Disconnected or changed meanwhile: the newer decision stands.
            kms.logger.info("custom key store \(record.id) changed while connecting: \(error)")
        }
    }
}
