import Foundation
import Synchronization
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
    /// Where the request came from and what sent it (aws:SourceIp, aws:UserAgent), set by the HTTP layer.
    public var sourceIP: String?
    public var userAgent: String?
    /// Whether the request came over TLS that Trent terminated itself (aws:SecureTransport).
    public var secureTransport = false

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
    /// The id of this request's audit record (CloudTrail's eventID), which GetKeyLastUsage reports.
    public let eventID: String
    public let now: Date

    /// The request body as parsed JSON, for authorization's condition keys.
    let input: JSONValue
    /// The keys this call was authorized to use, for GetKeyLastUsage.
    let usedKeys = UsedKeys()

    public init(
        kms: KMS, caller: Caller, requestID: String, eventID: String = RandomUUID.make(),
        input: JSONValue = .object([:])
    ) {
        self.kms = kms
        self.caller = caller
        self.requestID = requestID
        self.eventID = eventID
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

/// The keys one call used, shared by every copy of the call.
final class UsedKeys: Sendable {
    private let keys = Mutex<[KeyIdentity]>([])
    func note(_ identity: KeyIdentity) { keys.withLock { if !$0.contains(identity) { $0.append(identity) } } }
    var all: [KeyIdentity] { keys.withLock { $0 } }
}
