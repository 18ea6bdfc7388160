import TrentCore

enum UpdateAlias: KMSOperation {
    static let action = KMSAction.updateAlias

    struct Request: Decodable, Sendable {
        var AliasName: String
        var TargetKeyId: String
    }

    static func perform(_ request: Request, _ call: Call) async throws -> NoResponse {
        let name = try TrentCore.AliasName.validateCustomerAlias(request.AliasName)
        let arn = AliasARN(scope: call.scope, name: name)
        try call.authorizeAlias(action, arn)
        let newTarget = try await call.resolveKey(request.TargetKeyId, for: action)
        try call.requireCustomerManaged(newTarget, for: action)
        guard newTarget.identity.scope == call.scope else { throw KMSError.keyDoesNotExist(newTarget.arn) }
        guard var alias = try await call.store.alias(name, in: call.scope) else {
            throw KMSError.aliasNotFound(arn)
        }
        let currentID = KeyIdentity(scope: call.scope, id: alias.targetKeyID)
        if let current = try await call.store.key(currentID), !current.isDeleted(at: call.now) {
            try await call.authorize(action, key: current)
            guard current.family == newTarget.family && current.usage == newTarget.usage else {
                throw KMSError.validation(
                    "\(newTarget.arn) is not compatible with \(arn): an alias can only move to a key of the same key type (\(current.family.rawValue)) and key usage (\(current.usage.rawValue))."
                )
            }
        }
        let previous = alias.targetKeyID
        alias.targetKeyID = newTarget.identity.id
        alias.lastUpdatedDate = call.now
        try await call.store.commit(.alias(.update(alias, expectedTarget: previous)))
        return NoResponse()
    }
}
