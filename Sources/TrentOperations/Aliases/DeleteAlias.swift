import TrentCore

enum DeleteAlias: KMSOperation {
    static let action = KMSAction.deleteAlias

    struct Request: Decodable, Sendable {
        var AliasName: String
    }

    static func perform(_ request: Request, _ call: Call) async throws -> NoResponse {
        let name = try TrentCore.AliasName.validateCustomerAlias(request.AliasName)
        let arn = AliasARN(scope: call.scope, name: name)
        try call.authorizeAlias(action, arn)
        guard let alias = try await call.store.alias(name, in: call.scope) else {
            throw KMSError.aliasNotFound(arn)
        }
        if let target = try await call.store.key(KeyIdentity(scope: call.scope, id: alias.targetKeyID)) {
            try await call.authorize(action, key: target)
        }
        try await call.store.commit(.alias(.delete(call.scope, name, expectedTarget: alias.targetKeyID)))
        return NoResponse()
    }
}
