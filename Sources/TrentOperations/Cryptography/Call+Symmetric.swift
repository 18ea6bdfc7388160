import Foundation
import TrentCore
import TrentCrypto

extension Call {
    /// Refuses a key whose usage or spec cannot do `action`, with InvalidKeyUsageException as AWS does.
    func requireUsage(_ record: KeyRecord, _ usage: KeyUsage, for action: KMSAction) throws(KMSError) {
        guard record.usage == usage else {
            throw KMSError(
                .invalidKeyUsage,
                "\(record.arn) key usage is \(record.usage.rawValue) which is not valid for \(action.rawValue).")
        }
    }

    static func unavailable(_ record: KeyRecord) -> KMSError {
        KMSError(
            .keyUnavailable,
            "\(record.arn) is unavailable: its custom key store \(record.customKeyStoreID ?? "") is not connected on this node.")
    }

    /// Encryption with a symmetric key: the ciphertext blob and the material version used. An external key store's
    /// key adds the outer layer from its proxy (`operation` names the KMS operation in the proxy's request metadata).
    func sealSymmetric(
        _ plaintext: Data, with record: KeyRecord, context: [String: String]?, operation: String = "Encrypt"
    ) async throws -> (Data, SealedMaterial) {
        guard record.spec == .symmetricDefault, let material = record.currentMaterial else {
            throw KMSError(.invalidKeyUsage, "\(record.arn) is not a symmetric encryption key.")
        }
        if record.origin == .externalKeyStore {
            guard let endpoint = kms.heldXKSEndpoint(for: record), let transport = kms.xks else { throw Self.unavailable(record) }
            let clear = try kms.material(material, of: record.identity)
            let inner = try CiphertextBlob.seal(plaintext, key: record, material: material, clear: clear, context: context)
            let header = CiphertextBlob.header(for: record.identity, version: material.version)
            let outer = try await ExternalKeyStores.encrypt(
                inner.dropFirst(header.count), aad: header + EncryptionContext.canonical(context), key: record,
                endpoint: endpoint, transport: transport, call: self, operation: operation)
            return (header + outer, material)
        }
        if record.customKeyStoreID != nil {
            guard let connection = kms.heldConnection(for: record) else { throw Self.unavailable(record) }
            return (
                try CiphertextBlob.sealInHSM(
                    plaintext, key: record, material: material, connection: connection, context: context),
                material
            )
        }
        let clear = try kms.material(material, of: record.identity)
        return (try CiphertextBlob.seal(plaintext, key: record, material: material, clear: clear, context: context), material)
    }

    /// Decryption of a Trent ciphertext blob: finds the key the blob names (checking a KeyId if one was given),
    /// the material version that made it, and authenticates blob and context.
    /// `expected`: the key the request named, already resolved, authorized and state-checked; the blob must
    /// name the same key. Without it the blob's key is looked up, authorized and checked here.
    func openSymmetric(
        _ blob: Data, expected: KeyRecord?, context: [String: String]?, algorithm: String?, for action: KMSAction,
        authorizeAs iamAction: String? = nil, contextMember: String = "EncryptionContext"
    ) async throws -> (KeyRecord, Data, SealedMaterial) {
        if let algorithm, algorithm != EncryptionAlgorithm.symmetricDefault.rawValue {
            throw KMSError(.invalidCiphertext, "")
        }
        let parsed = try CiphertextBlob(parsing: blob)
        // A multi-Region key's ciphertext opens with any key of its set: the same key id in this Region.
        var named = parsed.identity
        if named.scope.region != scope.region && named.id.isMultiRegion {
            named = KeyIdentity(scope: Scope(account: named.scope.account, region: scope.region), id: named.id)
        }
        let record: KeyRecord
        if let expected {
            guard expected.identity == named, expected.identity == parsed.identity || expected.multiRegion else {
                throw KMSError(
                    .incorrectKey,
                    "The key ID in the request does not identify a CMK that can perform this operation.")
            }
            record = expected
        } else {
            guard named.scope.region == scope.region, var found = try await store.key(named), !found.isDeleted(at: now),
                found.identity == parsed.identity || found.multiRegion
            else { throw KMSError.invalidCiphertext() }
            if found.isMaterialExpired(at: now) { found.expireImportedMaterial(at: now) }
            try await authorize(action, key: found, as: iamAction, contextMember: contextMember)
            if let refusal = found.state.refusal(of: action, arn: found.arn) { throw refusal }
            try await kms.prepareConnection(for: found)
            record = found
        }
        try requireUsage(record, .encryptDecrypt, for: action)
        guard let material = record.material(version: parsed.materialVersion) else { throw KMSError.invalidCiphertext() }
        if record.origin == .externalKeyStore {
            guard let endpoint = kms.heldXKSEndpoint(for: record), let transport = kms.xks else { throw Self.unavailable(record) }
            let aad = parsed.header + EncryptionContext.canonical(context)
            let inner = try await ExternalKeyStores.decrypt(
                parsed.envelope, aad: aad, key: record, endpoint: endpoint, transport: transport, call: self,
                operation: action.rawValue)
            let clear = try kms.material(material, of: record.identity)
            guard let plaintext = SymmetricEnvelope.open(inner, material: clear, aad: aad) else {
                throw KMSError.invalidState(
                    "The ciphertext that the external key store proxy submitted for decryption, or the encryption context, is corrupted, missing, or otherwise invalid."
                )
            }
            return (record, plaintext, material)
        }
        if record.customKeyStoreID != nil {
            guard let connection = kms.heldConnection(for: record) else { throw Self.unavailable(record) }
            return (record, try parsed.openInHSM(record, connection: connection, context: context), material)
        }
        guard material.isPresent else {
            // Imported material deleted or expired (or not yet imported into this Region's key): the ciphertext
            // opens again once the same material is imported.
            throw KMSError.invalidState(
                "The key material \(material.materialID) of \(record.arn) is not imported (its import state is PENDING_IMPORT).")
        }
        let clear = try kms.material(material, of: record.identity)
        return (record, try parsed.open(clear: clear, context: context), material)
    }
}
