import Foundation

/// A condition operator as written in a policy: a base operator, an optional set qualifier
/// (`ForAnyValue:`/`ForAllValues:`) and an optional `IfExists` suffix.
public struct ConditionOperator: Sendable, Equatable {
    public enum Base: String, CaseIterable, Sendable {
        case stringEquals = "StringEquals", stringNotEquals = "StringNotEquals"
        case stringEqualsIgnoreCase = "StringEqualsIgnoreCase", stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
        case stringLike = "StringLike", stringNotLike = "StringNotLike"
        case numericEquals = "NumericEquals", numericNotEquals = "NumericNotEquals"
        case numericLessThan = "NumericLessThan", numericLessThanEquals = "NumericLessThanEquals"
        case numericGreaterThan = "NumericGreaterThan", numericGreaterThanEquals = "NumericGreaterThanEquals"
        case dateEquals = "DateEquals", dateNotEquals = "DateNotEquals"
        case dateLessThan = "DateLessThan", dateLessThanEquals = "DateLessThanEquals"
        case dateGreaterThan = "DateGreaterThan", dateGreaterThanEquals = "DateGreaterThanEquals"
        case bool = "Bool", null = "Null"
        case arnEquals = "ArnEquals", arnNotEquals = "ArnNotEquals", arnLike = "ArnLike", arnNotLike = "ArnNotLike"
        case ipAddress = "IpAddress", notIpAddress = "NotIpAddress"

        /// Negated operators hold when the key is absent.
        var isNegated: Bool {
            [
                .stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .numericNotEquals, .dateNotEquals, .arnNotEquals,
                .arnNotLike, .notIpAddress,
            ]
            .contains(self)
        }
    }

    public enum Qualifier: Sendable { case none, forAnyValue, forAllValues }

    public let base: Base
    public let qualifier: Qualifier
    public let ifExists: Bool

    public init?(_ text: String) {
        var rest = Substring(text)
        if rest.hasPrefix("ForAnyValue:") {
            qualifier = .forAnyValue
            rest = rest.dropFirst("ForAnyValue:".count)
        } else if rest.hasPrefix("ForAllValues:") {
            qualifier = .forAllValues
            rest = rest.dropFirst("ForAllValues:".count)
        } else {
            qualifier = .none
        }
        ifExists = rest.hasSuffix("IfExists") && rest != "IfExists"
        if ifExists { rest = rest.dropLast("IfExists".count) }
        guard let base = Base(rawValue: String(rest)), !(ifExists && base == .null) else { return nil }
        self.base = base
    }

    /// Whether the request's values for the key (nil: absent) satisfy the policy's values.
    public func holds(_ requestValues: [String]?, _ policyValues: [String]) -> Bool {
        if base == .null {
            let wantsAbsent = policyValues.contains { $0.lowercased() == "true" }
            let absent = requestValues?.isEmpty ?? true
            return wantsAbsent == absent
        }
        guard let values = requestValues, !values.isEmpty else {
            if qualifier == .forAllValues { return true }
            if ifExists { return true }
            return qualifier == .none && base.isNegated
        }
        switch qualifier {
        case .forAllValues:
            return values.allSatisfy { single($0, policyValues) }
        case .forAnyValue, .none:
            if base.isNegated && qualifier == .none {
                // A negated operator holds when no request value matches any policy value.
                return values.allSatisfy { single($0, policyValues) }
            }
            return values.contains { single($0, policyValues) }
        }
    }

    /// One request value against the policy's values (any of which may match; negated operators need none to).
    private func single(_ value: String, _ policy: [String]) -> Bool {
        switch base {
        case .stringEquals, .arnEquals: return policy.contains(value)
        case .stringNotEquals, .arnNotEquals: return !policy.contains(value)
        case .stringEqualsIgnoreCase: return policy.contains { $0.lowercased() == value.lowercased() }
        case .stringNotEqualsIgnoreCase: return !policy.contains { $0.lowercased() == value.lowercased() }
        case .stringLike, .arnLike: return policy.contains { Wildcard.matches($0, value) }
        case .stringNotLike, .arnNotLike: return !policy.contains { Wildcard.matches($0, value) }
        case .bool: return policy.contains { $0.lowercased() == value.lowercased() }
        case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan,
            .numericGreaterThanEquals:
            guard let v = Double(value) else { return false }
            let numbers = policy.compactMap(Double.init)
            return compare(v, numbers)
        case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
            guard let v = Self.date(value) else { return false }
            return compare(v, policy.compactMap(Self.date))
        case .ipAddress: return policy.contains { IPAddressRange($0)?.contains(value) == true }
        case .notIpAddress: return !policy.contains { IPAddressRange($0)?.contains(value) == true }
        case .null: return false
        }
    }

    private func compare(_ v: Double, _ policy: [Double]) -> Bool {
        switch base {
        case .numericEquals, .dateEquals: policy.contains(v)
        case .numericNotEquals, .dateNotEquals: !policy.contains(v)
        case .numericLessThan, .dateLessThan: policy.contains { v < $0 }
        case .numericLessThanEquals, .dateLessThanEquals: policy.contains { v <= $0 }
        case .numericGreaterThan, .dateGreaterThan: policy.contains { v > $0 }
        case .numericGreaterThanEquals, .dateGreaterThanEquals: policy.contains { v >= $0 }
        default: false
        }
    }

    /// Dates as ISO 8601 or as epoch seconds, compared as epoch seconds.
    static func date(_ text: String) -> Double? {
        Double(text) ?? ISO8601.parse(text)?.timeIntervalSince1970
    }
}

/// IAM's `*` (any run of characters) and `?` (one character) matching.
public enum Wildcard {
    public static func matches(_ pattern: String, _ value: String, caseInsensitive: Bool = false) -> Bool {
        let p = Array(caseInsensitive ? pattern.lowercased() : pattern)
        let v = Array(caseInsensitive ? value.lowercased() : value)
        var pi = 0, vi = 0, star = -1, mark = 0
        while vi < v.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == v[vi]) {
                pi += 1
                vi += 1
            } else if pi < p.count && p[pi] == "*" {
                star = pi
                mark = vi
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                vi = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
