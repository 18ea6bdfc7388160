import Foundation
import TrentCore

extension Call {
    /// The one path that turns a `KeyId` into a key: which reference kinds the action accepts (aliases only
    /// where AWS accepts them), account and Region, lazy deletion, AWS managed keys created on first use,
    /// and the key-state table.
    func resolveKey(
        _ raw: String, for action: KMSAction, authorizeAs iamAction: String? = nil, contextMember: String = "EncryptionContext"
    ) async throws -> KeyRecord {
        let reference = try KeyReference.parse(raw)
        if reference.isAlias && !action.acceptsAlias {
            // AWS refuses an alias name or alias ARN before any lookup, whether the alias exists or not (its answer
            // for CreateGrant and GetKeyPolicy, quoted in public issue threads, e.g. aws/aws-cdk and localstack's).
            throw KMSError(.invalidArn, "Key Aliases are not supported for this operation.")
        }
        let identity: KeyIdentity
        switch reference {
        case .keyID(let id):
            identity = KeyIdentity(scope: scope, id: id)
        case .keyARN(let arn):
            try checkScope(arn.identity.scope, for: action, missing: KMSError.keyDoesNotExist(arn))
            identity = arn.identity
        case .aliasName(let name):
            return try await resolveAlias(AliasARN(scope: scope, name: name), for: action, iamAction, contextMember)
        case .aliasARN(let arn):
            try checkScope(arn.scope, for: action, missing: KMSError.aliasNotFound(arn))
            return try await resolveAlias(arn, for: action, iamAction, contextMember)
        }
        return try await key(identity, for: action, authorizeAs: iamAction, contextMember: contextMember)
    }

    /// A key by identity, with lazy deletion and the key-state check.
    func key(
        _ identity: KeyIdentity, for action: KMSAction, authorizeAs iamAction: String? = nil,
        contextMember: String = "EncryptionContext"
    ) async throws -> KeyRecord {
        guard var record = try await store.key(identity), !record.isDeleted(at: now) else {
            throw KMSError.keyDoesNotExist(identity.arn)
        }
        if record.isMaterialExpired(at: now) {
            // Expired imported material is gone at once, before the background pass removes it.
            record.expireImportedMaterial(at: now)
        }
        try await authorize(action, key: record, as: iamAction, contextMember: contextMember)
        if let refusal = record.state.refusal(of: action, arn: record.arn) { throw refusal }
        if action.isCryptographic { try await kms.prepareConnection(for: record) }
        return record
    }

    func accessDenied(_ action: KMSAction, _ record: KeyRecord) -> KMSError {
        accessDenied(
            "kms:\(action.rawValue)", record.arn.description,
            "because no resource-based policy allows the kms:\(action.rawValue) action")
    }

    /// Management operations refuse AWS managed keys, as their key policy does in AWS.
    func requireCustomerManaged(_ record: KeyRecord, for action: KMSAction) throws(KMSError) {
        guard record.manager == .customer else { throw accessDenied(action, record) }
    }

    private func checkScope(_ target: Scope, for action: KMSAction, missing: KMSError) throws(KMSError) {
        guard target.region == scope.region else { throw missing }
        if target.account != scope.account && !action.allowsCrossAccount { throw missing }
    }

    private func resolveAlias(
        _ arn: AliasARN, for action: KMSAction, _ iamAction: String?, _ contextMember: String
    ) async throws -> KeyRecord {
        if let alias = try await store.alias(arn.name, in: arn.scope) {
            return try await key(
                KeyIdentity(scope: arn.scope, id: alias.targetKeyID), for: action, authorizeAs: iamAction,
                contextMember: contextMember)
        }
        guard arn.name.isAWSManaged, arn.scope.account == scope.account, arn.name.rawValue.count > "alias/aws/".count
        else { throw KMSError.aliasNotFound(arn) }
        return try await createAWSManagedKey(arn, for: action)
    }

    /// Using `alias/aws/<service>` creates that service's AWS managed key on first use, as AWS services do.
    private func createAWSManagedKey(_ arn: AliasARN, for action: KMSAction) async throws -> KeyRecord {
        let identity = KeyIdentity(scope: arn.scope, id: .random())
        let material = try kms.newMaterial(for: identity, version: 1, bytes: .random(count: 32), at: now)
        let service = arn.name.awsServiceName
        let record = KeyRecord(
            identity: identity,
            description: "Default key that protects my \(service) resources when no other key is defined",
            spec: .symmetricDefault, usage: .encryptDecrypt, origin: .awsKMS, manager: .aws, state: .enabled,
            creationDate: now, materials: [material], currentVersion: 1,
            policy: KeyPolicy.awsManagedDefault(account: arn.scope.account, service: service))
        let alias = AliasRecord(
            scope: arn.scope, name: arn.name, targetKeyID: identity.id, creationDate: now, lastUpdatedDate: now)
        do {
            try await store.commit(ChangeSet(keys: [.put(record, expectedRevision: nil)], aliases: [.create(alias)]))
        } catch StoreError.conflict {
            // Another request created it first: use theirs.
            guard let existing = try await store.alias(arn.name, in: arn.scope) else { throw StoreError.conflict }
            return try await key(KeyIdentity(scope: arn.scope, id: existing.targetKeyID), for: action)
        }
        var committed = record
        committed.revision = 1
        return committed
    }
}
