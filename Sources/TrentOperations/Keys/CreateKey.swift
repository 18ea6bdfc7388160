import Foundation
import TrentCore
import TrentCrypto

enum CreateKey: KMSOperation {
    static let action = KMSAction.createKey

    struct Request: Decodable, Sendable {
        var Policy: String?
        var Description: String?
        var KeyUsage: String?
        var CustomerMasterKeySpec: String?
        var KeySpec: String?
        var Origin: String?
        var CustomKeyStoreId: String?
        var BypassPolicyLockoutSafetyCheck: Bool?
        var Tags: [WireTag]?
        var MultiRegion: Bool?
        var XksKeyId: String?
    }

    struct Response: Encodable, Sendable {
        var KeyMetadata: KeyMetadata
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        if request.KeySpec != nil && request.CustomerMasterKeySpec != nil {
            throw KMSError.validation(
                "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.")
        }
        // The model has already checked the enum values, so these conversions succeed.
        let spec = TrentCore.KeySpec(rawValue: request.KeySpec ?? request.CustomerMasterKeySpec ?? "SYMMETRIC_DEFAULT")!
        let origin = KeyOrigin(rawValue: request.Origin ?? "AWS_KMS")!
        if let storeID = request.CustomKeyStoreId {
            return try await createInStore(storeID, request, spec: spec, origin: origin, call)
        }
        if origin == .awsCloudHSM || origin == .externalKeyStore {
            throw KMSError.validation("CustomKeyStoreId is required when Origin is \(origin.rawValue).")
        }
        if request.XksKeyId != nil && request.CustomKeyStoreId == nil {
            throw KMSError.validation("XksKeyId is only allowed when Origin is EXTERNAL_KEY_STORE.")
        }
        // Only a symmetric encryption key may leave KeyUsage out (AWS's CreateKey reference; its words).
        guard request.KeyUsage != nil || spec == .symmetricDefault else {
            throw KMSError.validation(
                "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.")
        }
        let usage = TrentCore.KeyUsage(rawValue: request.KeyUsage ?? "ENCRYPT_DECRYPT")!
        guard spec.capabilities.usages.contains(usage) else {
            throw KMSError.validation("KeyUsage \(usage.rawValue) is not compatible with KeySpec \(spec.rawValue).")
        }
        guard origin == .awsKMS || origin == .external else {
            throw KMSError(.unsupportedOperation, "Trent does not support Origin \(origin.rawValue).")
        }
        let multiRegion = request.MultiRegion ?? false
        let fixture = try LocalStackFixture(request.Tags ?? [], call: call)
        let fixedID = try fixture.keyID
        let id = fixedID ?? (multiRegion ? KeyID("mrk-" + Hex.encode(SecureRandom.bytes(16)))! : KeyID.random())
        let identity = KeyIdentity(scope: call.scope, id: id)
        if fixedID != nil, try await call.store.key(identity) != nil {
            throw KMSError(.alreadyExists, "A key with id \(id) already exists (_custom_id_).")
        }
        if let policy = request.Policy {
            try call.checkNewKeyPolicy(policy, for: identity.arn, bypass: request.BypassPolicyLockoutSafetyCheck ?? false)
        }
        let tags = try TagRules.validate(fixture.tags, existing: [])
        try call.finishDryRun(nil)

        // EXTERNAL keys start without material, pending import.
        let materials =
            origin == .external
            ? []
            : [
                try call.kms.newMaterial(
                    for: identity, version: 1, bytes: try fixture.material(for: spec) ?? newKeyMaterial(spec), at: call.now)
            ]
        let record = KeyRecord(
            identity: identity, description: request.Description ?? "", spec: spec, usage: usage, origin: origin,
            manager: .customer, state: origin == .external ? .pendingImport : .enabled, creationDate: call.now,
            materials: materials, currentVersion: origin == .external ? 0 : 1,
            tags: tags, multiRegion: multiRegion,
            policy: request.Policy ?? TrentCore.KeyPolicy.customerDefault(account: call.scope.account))
        return try await created(record, call)
    }

    /// A key in an AWS_CLOUDHSM key store: a symmetric, single-Region key whose AES-256 key is generated inside the
    /// store's HSM, labelled with the key's ARN, sensitive and not extractable. The store must be connected.
    static func createInStore(
        _ storeID: String, _ request: Request, spec: TrentCore.KeySpec, origin: KeyOrigin, _ call: Call
    ) async throws -> Response {
        let store = try await call.customKeyStore(storeID)
        let wanted: KeyOrigin = store.type == "EXTERNAL_KEY_STORE" ? .externalKeyStore : .awsCloudHSM
        guard origin == wanted else {
            throw KMSError.validation(
                "Origin must be \(wanted.rawValue) to create a KMS key in custom key store \(storeID).")
        }
        if wanted == .externalKeyStore {
            return try await createExternal(store, request, call)
        }
        if request.XksKeyId != nil {
            throw KMSError.validation("XksKeyId is only allowed when Origin is EXTERNAL_KEY_STORE.")
        }
        guard spec == .symmetricDefault, request.KeyUsage ?? "ENCRYPT_DECRYPT" == "ENCRYPT_DECRYPT" else {
            throw KMSError(
                .unsupportedOperation, "KMS keys in a custom key store must be symmetric encryption keys (SYMMETRIC_DEFAULT).")
        }
        guard request.MultiRegion != true else {
            throw KMSError(.unsupportedOperation, "Multi-Region keys cannot be created in a custom key store.")
        }
        guard store.connectionState == .connected, let connection = await call.kms.hsmConnection(store) else {
            throw KMSError(
                .customKeyStoreInvalidState,
                "Custom key store \(storeID) is \(store.connectionState.rawValue). KMS keys can be created only in a connected custom key store."
            )
        }
        let identity = KeyIdentity(scope: call.scope, id: KeyID.random())
        if let policy = request.Policy {
            try call.checkNewKeyPolicy(policy, for: identity.arn, bypass: request.BypassPolicyLockoutSafetyCheck ?? false)
        }
        let tags = try TagRules.validate(request.Tags ?? [], existing: [])
        do {
            try connection.createKey(label: identity.arn.description)
        } catch {
            call.kms.logger.error("creating a key in custom key store \(storeID) failed: \(error)")
            throw KMSError(.keyUnavailable, "The CloudHSM cluster of custom key store \(storeID) could not create the key.")
        }
        // The material lives in the HSM: the record keeps one version with its id and no sealed bytes.
        let material = SealedMaterial(
            version: 1, materialID: Hex.encode(SecureRandom.bytes(32)), sealed: Data(), createdAt: call.now)
        let record = KeyRecord(
            identity: identity, description: request.Description ?? "", spec: spec, usage: .encryptDecrypt, origin: origin,
            manager: .customer, state: .enabled, creationDate: call.now, materials: [material], currentVersion: 1,
            tags: tags, policy: request.Policy ?? TrentCore.KeyPolicy.customerDefault(account: call.scope.account),
            customKeyStoreID: storeID, cloudHsmClusterID: store.clusterID)
        return try await created(record, call)
    }

    /// A key in an external key store: the external key (XksKeyId) must exist at the proxy as an enabled AES-256 key
    /// that encrypts and decrypts, and not back another key of the store; Trent's own material is the inner layer.
    static func createExternal(_ store: CustomKeyStoreRecord, _ request: Request, _ call: Call) async throws -> Response {
        guard let xksKeyID = request.XksKeyId else {
            throw KMSError.validation("XksKeyId is required to create a KMS key in an external key store.")
        }
        guard (request.KeySpec ?? "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT", request.MultiRegion != true else {
            throw KMSError(
                .unsupportedOperation, "KMS keys in an external key store must be symmetric, single-Region encryption keys.")
        }
        guard store.connectionState == .connected, let transport = call.kms.xks, let endpoint = call.kms.xksEndpoint(store)
        else {
            throw KMSError(
                .customKeyStoreInvalidState,
                "This KMS key is in a custom key store that is not connected to its external key store proxy. Connect the external key store and try the request again."
            )
        }
        if try await call.store.keys(in: call.scope).contains(where: {
            $0.customKeyStoreID == store.id && $0.xksKeyID == xksKeyID && !$0.isDeleted(at: call.now)
        }) {
            throw KMSError(.xksKeyAlreadyInUse, "The external key \(xksKeyID) already backs a KMS key in this key store.")
        }
        let outcome = await transport.call(
            endpoint, api: "/keys/\(xksKeyID)/metadata", body: ExternalKeyStores.body(call, operation: "CreateKey"))
        switch outcome {
        case .ok(let data):
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw KMSError(.customKeyStoreInvalidState, ExternalKeyStores.cryptoError(outcome).message)
            }
            let usage = object["keyUsage"] as? [String] ?? []
            guard object["keySpec"] as? String == "AES_256", usage.contains("ENCRYPT"), usage.contains("DECRYPT"),
                object["keyStatus"] as? String == "ENABLED"
            else {
                throw KMSError(
                    .xksKeyInvalidConfiguration,
                    "The external key \(xksKeyID) must be an enabled AES_256 key that can encrypt and decrypt.")
            }
        case .refused(_, "KeyNotFoundException"):
            throw KMSError(.xksKeyNotFound, "The external key \(xksKeyID) was not found by the external key store proxy.")
        case .refused(_, "InvalidStateException"), .refused(_, "InvalidKeyUsageException"):
            throw KMSError(.xksKeyInvalidConfiguration, ExternalKeyStores.cryptoError(outcome).message)
        default:
            throw KMSError(.customKeyStoreInvalidState, ExternalKeyStores.cryptoError(outcome).message)
        }
        let identity = KeyIdentity(scope: call.scope, id: KeyID.random())
        if let policy = request.Policy {
            try call.checkNewKeyPolicy(policy, for: identity.arn, bypass: request.BypassPolicyLockoutSafetyCheck ?? false)
        }
        let tags = try TagRules.validate(request.Tags ?? [], existing: [])
        let record = KeyRecord(
            identity: identity, description: request.Description ?? "", spec: .symmetricDefault, usage: .encryptDecrypt,
            origin: .externalKeyStore, manager: .customer, state: .enabled, creationDate: call.now,
            materials: [try call.kms.newMaterial(for: identity, version: 1, bytes: .random(count: 32), at: call.now)],
            currentVersion: 1, tags: tags,
            policy: request.Policy ?? TrentCore.KeyPolicy.customerDefault(account: call.scope.account),
            customKeyStoreID: store.id, xksKeyID: xksKeyID)
        return try await created(record, call)
    }

    /// Commits a new key and answers with its metadata.
    static func created(_ record: KeyRecord, _ call: Call) async throws -> Response {
        var record = record
        try await call.store.commit(.key(.put(record, expectedRevision: nil)))
        record.revision = 1
        return Response(KeyMetadata: KeyMetadata(record))
    }

    /// Key material for a new key of `spec`, from the system's secure random source.
    static func newKeyMaterial(_ spec: TrentCore.KeySpec) throws -> SecretBytes {
        if let mac = spec.macAlgorithm { return .random(count: mac.keyLength) }
        guard let type = spec.keyPairType else { return .random(count: 32) }
        do {
            return try AsymmetricPrivateKey.generate(type).encoded
        } catch {
            throw KMSError(.unsupportedOperation, "Trent cannot create \(spec.rawValue) keys in this build: \(error)")
        }
    }
}
