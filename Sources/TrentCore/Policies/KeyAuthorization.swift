import Foundation

/// KMS's authorization rule: the key policy is the root of trust. A key policy statement naming the caller
/// allows by itself; one naming the caller's account lets that account's IAM policies decide. An explicit deny
/// anywhere wins. A grant for the caller allows its operations. Keyless operations (CreateKey, ListKeys, …)
/// are decided by IAM policies alone.
public enum KeyAuthorization {
    public enum Decision: Sendable, Equatable {
        case allow
        /// `reason`: AWS's words; `statement`: the statement that denied, when one did (for explanations).
        case deny(reason: String, statement: String? = nil)
    }

    public static func decide(
        keyPolicy: PolicyDocument?, identityPolicies: [PolicyDocument], request: AuthorizationRequest, callerIsRoot: Bool,
        grantAllows: Bool = false
    ) -> Decision {
        let action = request.action
        var identityAllow = callerIsRoot
        for policy in identityPolicies {
            let outcome = PolicyEvaluator.evaluate(policy, request, resourcePolicy: false)
            if outcome.explicitDeny {
                return .deny(
                    reason: "with an explicit deny in an identity-based policy",
                    statement: outcome.denyingStatement.map { "\($0) of an identity-based policy" })
            }
            identityAllow = identityAllow || outcome.allow
        }
        guard let keyPolicy else {
            return identityAllow ? .allow : .deny(reason: "because no identity-based policy allows the \(action) action")
        }
        let key = PolicyEvaluator.evaluate(keyPolicy, request, resourcePolicy: true)
        if key.explicitDeny {
            return .deny(
                reason: "with an explicit deny in a resource-based policy",
                statement: key.denyingStatement.map { "\($0) of the key policy" })
        }
        if key.allow || grantAllows { return .allow }
        if key.delegatedToAccount {
            return identityAllow ? .allow : .deny(reason: "because no identity-based policy allows the \(action) action")
        }
        return .deny(reason: "because no resource-based policy allows the \(action) action")
    }
}
