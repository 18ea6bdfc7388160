import Foundation

/// An IAM policy document (key policy or identity policy), parsed and checked against the policy grammar.
public struct PolicyDocument: Sendable, Equatable {
    public enum Effect: String, Sendable { case allow = "Allow", deny = "Deny" }

    /// A principal element: `"*"`, or per kind (`AWS`, `Service`, …) a list of identifiers.
    public enum Principals: Sendable, Equatable {
        case any
        case some([String: [String]])
    }

    public struct Condition: Sendable, Equatable {
        public let op: String
        public let key: String
        public let values: [String]
    }

    public struct Statement: Sendable, Equatable {
        public let sid: String?
        public let effect: Effect
        public let principal: Principals?
        public let notPrincipal: Principals?
        public let actions: [String]?
        public let notActions: [String]?
        public let resources: [String]?
        public let notResources: [String]?
        public let conditions: [Condition]
    }

    public let statements: [Statement]
    /// Policy variables (`${aws:username}`) are substituted only in version 2012-10-17 documents, as in IAM.
    public let allowsVariables: Bool

    /// Parses a policy, refusing what IAM's grammar refuses, with MalformedPolicyDocumentException.
    /// `requirePrincipal`: key policies need one in every statement, identity policies must have none.
    public init(parsing text: String, requirePrincipal: Bool) throws(KMSError) {
        func malformed(_ why: String) -> KMSError { KMSError(.malformedPolicyDocument, why) }
        guard let document = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)),
            case .object(let root) = document
        else { throw malformed("Policy document is not valid JSON.") }
        if let version = root["Version"], version != .string("2012-10-17"), version != .string("2008-10-17") {
            throw malformed("The policy document has an unsupported Version.")
        }
        let raw: [JSONValue]
        switch root["Statement"] {
        case .array(let list): raw = list
        case .object(let single): raw = [.object(single)]
        default: throw malformed("Policy document is missing required field: Statement")
        }
        guard !raw.isEmpty else { throw malformed("Policy document has no statements.") }
        var statements: [Statement] = []
        for item in raw {
            guard case .object(let s) = item else { throw malformed("Each Statement must be a JSON object.") }
            let known: Set<String> = [
                "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition",
            ]
            if let unknown = s.keys.first(where: { !known.contains($0) }) {
                throw malformed("Statement contains an unknown element: \(unknown)")
            }
            guard case .string(let effectText) = s["Effect"], let effect = Effect(rawValue: effectText) else {
                throw malformed("Statement Effect must be Allow or Deny.")
            }
            let principal = try s["Principal"].map { value throws(KMSError) in try Self.principals(value) }
            let notPrincipal = try s["NotPrincipal"].map { value throws(KMSError) in try Self.principals(value) }
            if requirePrincipal && principal == nil && notPrincipal == nil {
                throw malformed("Policy statement must contain a Principal.")
            }
            if !requirePrincipal && (principal != nil || notPrincipal != nil) {
                throw malformed("Identity policies must not contain a Principal.")
            }
            let actions = try Self.strings(s["Action"], "Action")
            let notActions = try Self.strings(s["NotAction"], "NotAction")
            guard (actions == nil) != (notActions == nil) else {
                throw malformed("Statement must contain exactly one of Action and NotAction.")
            }
            for action in (actions ?? []) + (notActions ?? [])
            where action != "*" && !action.lowercased().hasPrefix("kms:") && !action.contains(":") {
                throw malformed("Policy contains an invalid action: \(action)")
            }
            let resources = try Self.strings(s["Resource"], "Resource")
            let notResources = try Self.strings(s["NotResource"], "NotResource")
            guard (resources == nil) != (notResources == nil) else {
                throw malformed("Statement must contain exactly one of Resource and NotResource.")
            }
            var conditions: [Condition] = []
            if let block = s["Condition"] {
                guard case .object(let operators) = block else { throw malformed("Condition must be a JSON object.") }
                for (op, entries) in operators {
                    guard ConditionOperator(op) != nil else {
                        throw malformed("Policy contains an unknown condition operator: \(op)")
                    }
                    guard case .object(let pairs) = entries else { throw malformed("Condition \(op) must map keys to values.") }
                    for (key, value) in pairs {
                        guard let values = try Self.strings(value, "Condition", allowScalars: true) else {
                            throw malformed("Condition \(op) \(key) has no value.")
                        }
                        conditions.append(Condition(op: op, key: key, values: values))
                    }
                }
            }
            statements.append(
                Statement(
                    sid: s["Sid"].flatMap { if case .string(let v) = $0 { v } else { nil } }, effect: effect,
                    principal: principal, notPrincipal: notPrincipal,
                    actions: actions, notActions: notActions, resources: resources, notResources: notResources,
                    conditions: conditions))
        }
        self.statements = statements
        allowsVariables = root["Version"] == .string("2012-10-17")
    }

    private static func principals(_ value: JSONValue) throws(KMSError) -> Principals {
        if value == .string("*") { return .any }
        guard case .object(let kinds) = value, !kinds.isEmpty else {
            throw KMSError(.malformedPolicyDocument, "Principal must be \"*\" or an object such as {\"AWS\": …}.")
        }
        var out: [String: [String]] = [:]
        for (kind, ids) in kinds {
            guard let list = try strings(ids, "Principal"), !list.isEmpty else {
                throw KMSError(.malformedPolicyDocument, "Principal \(kind) has no identifiers.")
            }
            if kind == "AWS" {
                for id in list where !Self.isValidAWSPrincipal(id) {
                    throw KMSError(.malformedPolicyDocument, "Policy contains a statement with one or more invalid principals.")
                }
            }
            out[kind] = list
        }
        return .some(out)
    }

    public static func isValidAWSPrincipal(_ id: String) -> Bool {
        if id == "*" { return true }
        if id.utf8.count == 12 && id.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) { return true }
        let parts = id.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        return parts.count == 6 && parts[0] == "arn" && (parts[2] == "iam" || parts[2] == "sts")
            && parts[4].utf8.count == 12 && !parts[5].isEmpty
    }

    private static func strings(_ value: JSONValue?, _ element: String, allowScalars: Bool = false) throws(KMSError) -> [String]?
    {
        guard let value else { return nil }
        func scalar(_ v: JSONValue) -> String? {
            switch v {
            case .string(let s): return s
            case .bool(let b) where allowScalars: return b ? "true" : "false"
            case .number(let n) where allowScalars: return n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
            default: return nil
            }
        }
        if let one = scalar(value) { return [one] }
        if case .array(let list) = value {
            var out: [String] = []
            for item in list {
                guard let s = scalar(item) else {
                    throw KMSError(.malformedPolicyDocument, "\(element) must be a string or a list of strings.")
                }
                out.append(s)
            }
            return out
        }
        throw KMSError(.malformedPolicyDocument, "\(element) must be a string or a list of strings.")
    }
}
