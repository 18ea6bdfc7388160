import Foundation
import TrentCore

/// Who is calling, established by the HTTP layer.
public struct Caller: Sendable {
    public let account: AccountID
    public let region: Region
    /// The caller's principal ARN (IAM user or role), or the account root in development mode.
    public let principal: String
    public let accessKeyID: String?
    /// Whether the caller proved who it is (SigV4). In development mode nobody does.
    public let authenticated: Bool
    /// IAM identity policy documents attached to the caller's principal.
    public let identityPolicies: [String]

    public init(
        account: AccountID, region: Region, principal: String? = nil, accessKeyID: String? = nil,
        authenticated: Bool = false, identityPolicies: [String] = []
    ) {
        self.account = account
        self.region = region
        self.principal = principal ?? "arn:aws:iam::\(account.rawValue):root"
        self.accessKeyID = accessKeyID
        self.authenticated = authenticated
        self.identityPolicies = identityPolicies
    }

    public var scope: Scope { Scope(account: account, region: region) }
}

/// One request being served: the service, the caller, the time it arrived.
public struct Call: Sendable {
    public let kms: KMS
    public let caller: Caller
    public let requestID: String
    public let now: Date

    /// The request body as parsed JSON, for authorization's condition keys.
    let input: JSONValue

    public init(kms: KMS, caller: Caller, requestID: String, input: JSONValue = .object([:])) {
        self.kms = kms
        self.caller = caller
        self.requestID = requestID
        self.now = kms.clock.now()
        self.input = input
    }

    public var scope: Scope { caller.scope }
    var store: CachedKeyStore { kms.store }

    /// Throws DryRunOperationException when the request asked for a dry run: call it after every check.
    func finishDryRun(_ dryRun: Bool?) throws(KMSError) {
        if dryRun == true { throw KMSError.dryRun }
    }
}
