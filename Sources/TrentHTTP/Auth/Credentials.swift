import Foundation
import TrentCore

/// One access key Trent accepts with `--auth sigv4`: its secret, optional session token (temporary
/// credentials), the account and principal it stands for, and the identity policies attached to it.
public struct Credential: Sendable {
    public let accessKeyID: String
    public let secretAccessKey: String
    public let sessionToken: String?
    public let account: AccountID
    public let principal: String
    /// IAM identity policy documents (JSON text).
    public let policies: [String]

    public init(
        accessKeyID: String, secretAccessKey: String, sessionToken: String?, account: AccountID, principal: String,
        policies: [String]
    ) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.account = account
        self.principal = principal
        self.policies = policies
    }
}

/// The credentials file (`--credentials FILE`), JSON:
/// `{"credentials": [{"accessKeyId": …, "secretAccessKey": …, "sessionToken": …, "account": "111122223333",
///   "principal": "arn:aws:iam::111122223333:user/alice", "policies": [{…policy document…}]}]}`
public struct CredentialStore: Sendable {
    private let byAccessKey: [String: Credential]

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public init(_ credentials: [Credential]) {
        byAccessKey = Dictionary(credentials.map { ($0.accessKeyID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public init(contentsOf url: URL) throws {
        let data = try Data(contentsOf: url)
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let entries = root["credentials"] as? [[String: Any]]
        else { throw Failure(description: "\(url.path): expected {\"credentials\": [ … ]}") }
        var credentials: [Credential] = []
        for (index, entry) in entries.enumerated() {
            func field(_ name: String) throws -> String {
                guard let value = entry[name] as? String, !value.isEmpty else {
                    throw Failure(description: "\(url.path): credentials[\(index)] needs a string \"\(name)\"")
                }
                return value
            }
            guard let account = AccountID(try field("account")) else {
                throw Failure(description: "\(url.path): credentials[\(index)].account must be 12 digits")
            }
            let principal = try field("principal")
            guard
                principal.hasPrefix("arn:aws:iam::\(account.rawValue):")
                    || principal.hasPrefix("arn:aws:sts::\(account.rawValue):")
            else {
                throw Failure(
                    description:
                        "\(url.path): credentials[\(index)].principal must be an IAM or STS ARN of account \(account.rawValue)")
            }
            let policies = try (entry["policies"] as? [Any] ?? []).map { policy -> String in
                if let text = policy as? String { return text }
                return String(decoding: try JSONSerialization.data(withJSONObject: policy), as: UTF8.self)
            }
            credentials.append(
                Credential(
                    accessKeyID: try field("accessKeyId"), secretAccessKey: try field("secretAccessKey"),
                    sessionToken: entry["sessionToken"] as? String, account: account, principal: principal,
                    policies: policies))
        }
        self.init(credentials)
    }

    public func credential(for accessKeyID: String) -> Credential? { byAccessKey[accessKeyID] }

    /// Every principal the file names, once each, sorted (the console offers them as key administrators and users).
    public var principals: [String] { Set(byAccessKey.values.map(\.principal)).sorted() }
}
