import Foundation

/// What is being asked: who, which action on which resource, and the request's condition keys.
public struct AuthorizationRequest: Sendable {
    public var action: String
    public var resource: String
    public var principal: String
    public var principalAccount: String
    /// Condition keys, lowercased, each with its values (multi-valued keys have several).
    public var context: [String: [String]]

    public init(action: String, resource: String, principal: String, principalAccount: String, context: [String: [String]]) {
        self.action = action
        self.resource = resource
        self.principal = principal
        self.principalAccount = principalAccount
        var lowered: [String: [String]] = [:]
        for (key, values) in context { lowered[key.lowercased(), default: []] += values }
        lowered["aws:principalarn"] = [principal]
        lowered["aws:principalaccount"] = [principalAccount]
        lowered["kms:calleraccount"] = [principalAccount]
        self.context = lowered
    }
}

/// IAM's evaluation of one policy: explicit deny beats allow, and nothing allowed is an implicit deny. For a key
/// policy, an Allow whose principal is the account (`arn:aws:iam::ACCOUNT:root` or the bare account id) only
/// delegates to that account's IAM policies; it does not allow by itself.
public enum PolicyEvaluator {
    public struct Outcome: Sendable, Equatable {
        public var explicitDeny = false
        /// The statement that denied (its Sid, or its position), for explanations.
        public var denyingStatement: String?
        /// Allowed by a statement naming the caller (or `*`).
        public var allow = false
        /// Allowed by a statement naming the caller's account: IAM policies must allow too.
        public var delegatedToAccount = false
    }

    public static func evaluate(_ policy: PolicyDocument, _ request: AuthorizationRequest, resourcePolicy: Bool) -> Outcome {
        var outcome = Outcome()
        for (index, statement) in policy.statements.enumerated() {
            guard actionMatches(statement, request.action),
                resourceMatches(statement, request.resource, variables: policy.allowsVariables ? request.context : nil),
                conditionsHold(statement, request.context, variables: policy.allowsVariables)
            else { continue }
            var principalMatch = PrincipalMatch.direct
            if resourcePolicy {
                principalMatch = match(statement, request)
                if principalMatch == .none { continue }
            }
            switch statement.effect {
            case .deny:
                outcome.explicitDeny = true
                outcome.denyingStatement =
                    outcome.denyingStatement ?? statement.sid.map { "Sid \($0)" } ?? "statement \(index + 1)"
            case .allow:
                if principalMatch == .direct { outcome.allow = true } else { outcome.delegatedToAccount = true }
            }
        }
        return outcome
    }

    enum PrincipalMatch { case none, direct, account }

    static func match(_ statement: PolicyDocument.Statement, _ request: AuthorizationRequest) -> PrincipalMatch {
        if let principal = statement.principal {
            return match(principal, request, deny: statement.effect == .deny)
        }
        if let notPrincipal = statement.notPrincipal {
            return match(notPrincipal, request, deny: true) == .none ? .direct : .none
        }
        return .none
    }

    private static func match(_ principals: PolicyDocument.Principals, _ request: AuthorizationRequest, deny: Bool)
        -> PrincipalMatch
    {
        guard case .some(let kinds) = principals else { return .direct }
        var best = PrincipalMatch.none
        for id in kinds["AWS"] ?? [] {
            if id == "*" || id == request.principal { return .direct }
            if id == request.principalAccount || id == "arn:aws:iam::\(request.principalAccount):root" {
                // The account itself: a Deny covers all its principals; an Allow delegates to its IAM policies.
                if deny || request.principal.hasSuffix(":root") { return .direct }
                best = .account
            }
            if roleMatches(id, request.principal) { return .direct }
        }
        return best
    }

    /// `arn:aws:iam::A:role/NAME` names every session of that role, `arn:aws:sts::A:assumed-role/NAME/SESSION`.
    private static func roleMatches(_ id: String, _ principal: String) -> Bool {
        let idParts = id.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        let callerParts = principal.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard idParts.count == 6, callerParts.count == 6, idParts[2] == "iam", callerParts[2] == "sts",
            idParts[4] == callerParts[4], idParts[5].hasPrefix("role/"), callerParts[5].hasPrefix("assumed-role/")
        else { return false }
        let role = idParts[5].dropFirst("role/".count).split(separator: "/").last
        let assumed = callerParts[5].dropFirst("assumed-role/".count).split(separator: "/").first
        return role != nil && role == assumed
    }

    static func actionMatches(_ statement: PolicyDocument.Statement, _ action: String) -> Bool {
        if let actions = statement.actions { return actions.contains { Wildcard.matches($0, action, caseInsensitive: true) } }
        if let notActions = statement.notActions {
            return !notActions.contains { Wildcard.matches($0, action, caseInsensitive: true) }
        }
        return false
    }

    /// `variables`: the request context to substitute policy variables from (nil: the policy takes none).
    static func resourceMatches(_ statement: PolicyDocument.Statement, _ resource: String, variables: [String: [String]]?)
        -> Bool
    {
        func matches(_ pattern: String) -> Bool {
            guard let pattern = variables.map({ substitute(pattern, $0) }) ?? pattern else { return false }
            return pattern == "*" || Wildcard.matches(pattern, resource)
        }
        if let resources = statement.resources { return resources.contains(where: matches) }
        if let notResources = statement.notResources { return !notResources.contains(where: matches) }
        return false
    }

    static func conditionsHold(_ statement: PolicyDocument.Statement, _ context: [String: [String]], variables: Bool) -> Bool {
        statement.conditions.allSatisfy { condition in
            guard let op = ConditionOperator(condition.op) else { return false }
            // A value whose variable has no value in this request matches nothing.
            let values = variables ? condition.values.compactMap { substitute($0, context) } : condition.values
            return op.holds(context[condition.key.lowercased()], values)
        }
    }

    /// IAM policy variables: `${key}` becomes the request's value for the key (`${key, 'default'}` falls back to
    /// the default), and `${*}`, `${?}`, `${$}` the literal characters. nil when a variable has no single value.
    static func substitute(_ text: String, _ context: [String: [String]]) -> String? {
        guard text.contains("${") else { return text }
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { break }
            let inner = rest[start.upperBound..<end].trimmingCharacters(in: .whitespaces)
            rest = rest[rest.index(after: end)...]
            if ["*", "?", "$"].contains(inner) {
                out += inner
                continue
            }
            let parts = inner.split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if let values = context[parts[0].lowercased()], values.count == 1 {
                out += values[0]
            } else if parts.count == 2, parts[1].count >= 2, parts[1].hasPrefix("'"), parts[1].hasSuffix("'") {
                out += parts[1].dropFirst().dropLast()
            } else {
                return nil
            }
        }
        return out + rest
    }
}
