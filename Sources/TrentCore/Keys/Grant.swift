import Foundation

/// A grant on a KMS key: a grantee principal may perform some operations, optionally only with an encryption
/// context that contains (or equals) given pairs.
public struct Grant: Sendable, Hashable {
    public let grantID: String
    public let token: String
    public let name: String?
    public let granteePrincipal: String
    public let retiringPrincipal: String?
    /// The principal ARN that created the grant; its account is the grant's IssuingAccount.
    public let issuingPrincipal: String
    public let operations: [String]
    public let contextSubset: [String: String]?
    public let contextEquals: [String: String]?
    public let creationDate: Date

    public init(
        grantID: String, token: String, name: String?, granteePrincipal: String, retiringPrincipal: String?,
        issuingPrincipal: String, operations: [String], contextSubset: [String: String]?,
        contextEquals: [String: String]?, creationDate: Date
    ) {
        self.grantID = grantID
        self.token = token
        self.name = name
        self.granteePrincipal = granteePrincipal
        self.retiringPrincipal = retiringPrincipal
        self.issuingPrincipal = issuingPrincipal
        self.operations = operations
        self.contextSubset = contextSubset
        self.contextEquals = contextEquals
        self.creationDate = creationDate
    }

    /// Whether the grant lets `principal` perform `operation` with this encryption context. Constraint keys
    /// compare case-insensitively and values case-sensitively, as AWS documents; constraints bind only
    /// operations that take an encryption context.
    public func allows(_ operation: String, principal: String, context: [String: String]?, takesContext: Bool) -> Bool {
        guard principal == granteePrincipal || Self.roleSession(principal, of: granteePrincipal), operations.contains(operation)
        else { return false }
        guard takesContext else { return true }
        let lowered = Dictionary((context ?? [:]).map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        if let subset = contextSubset {
            for (key, value) in subset where lowered[key.lowercased()] != value { return false }
        }
        if let equals = contextEquals {
            let wanted = Dictionary(equals.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
            if wanted != lowered { return false }
        }
        return true
    }

    private static func roleSession(_ principal: String, of role: String) -> Bool {
        let p = principal.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        let r = role.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard p.count == 6, r.count == 6, p[2] == "sts", r[2] == "iam", p[4] == r[4], r[5].hasPrefix("role/"),
            p[5].hasPrefix("assumed-role/")
        else { return false }
        return r[5].dropFirst(5).split(separator: "/").last == p[5].dropFirst("assumed-role/".count).split(separator: "/").first
    }
}
