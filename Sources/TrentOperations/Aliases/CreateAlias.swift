import TrentCore

enum CreateAlias: KMSOperation {
    static let action = KMSAction.createAlias

    struct Request: Decodable, Sendable {
        var AliasName: String
        var TargetKeyId: String
    }

    static func perform(_ request: Request, _ call: Call) async throws -> NoResponse {
        let name = try TrentCore.AliasName.validateCustomerAlias(request.AliasName)
        try call.authorizeAlias(action, AliasARN(scope: call.scope, name: name))
        let target = try await call.resolveKey(request.TargetKeyId, for: action)
        try call.requireCustomerManaged(target, for: action)
        let arn = AliasARN(scope: call.scope, name: name)
        guard target.identity.scope == call.scope else {
            throw KMSError.keyDoesNotExist(target.arn)
        }
        if try await call.store.alias(name, in: call.scope) != nil {
            throw KMSError(.alreadyExists, "An alias with the name \(arn) already exists")
        }
        let alias = AliasRecord(
            scope: call.scope, name: name, targetKeyID: target.identity.id, creationDate: call.now,
            lastUpdatedDate: call.now)
        do {
            try await call.store.commit(.alias(.create(alias)))
        } catch StoreError.conflict {
            // Either the name was taken in the meantime or the target went away: re-decide.
            throw StoreError.conflict
        }
        return NoResponse()
    }
}
