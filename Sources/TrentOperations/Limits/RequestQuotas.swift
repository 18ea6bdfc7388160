import Foundation
import Metrics
import Synchronization
import TrentCore

/// Request quotas per account and Region, as AWS KMS enforces them: token buckets refilled at each quota's rate
/// (requests per second) and holding at most one second's worth, so a burst up to the rate passes and a sustained
/// excess is throttled. Cryptographic operations share one quota per kind of key (the group is chosen when the key
/// is known); every other operation has its own. The state is this node's: with several nodes behind a load
/// balancer, each enforces the rates on what it serves.
public final class RequestQuotas: Sendable {
    /// Rates in requests per second by group; a group without a rate is not limited.
    public struct Table: Sendable, Equatable {
        public var rates: [String: Double]
        /// Rates that differ by Region (AWS's symmetric cryptographic quota).
        public var regional: [String: [String: Double]]

        public init(rates: [String: Double], regional: [String: [String: Double]] = [:]) {
            self.rates = rates
            self.regional = regional
        }

        public func rate(of group: String, in region: Region) -> Double? {
            regional[group]?[region.rawValue] ?? rates[group]
        }
    }

    public static let symmetric = "cryptographic-symmetric"
    public static let rsa = "cryptographic-rsa"
    public static let ecc = "cryptographic-ecc"
    public static let mlDSA = "cryptographic-ml-dsa"
    public static let cryptographicGroups = [symmetric, rsa, ecc, mlDSA]

    /// The quota group of a request: cryptographic operations by the kind of key they use (HMAC keys count in the
    /// symmetric quota, as AWS's table lists GenerateMac and VerifyMac there), GenerateRandom in the symmetric
    /// quota, every other operation in its own, named as the operation.
    public static func group(of operation: String, key spec: KeySpec? = nil) -> String {
        if let spec {
            switch spec {
            case .rsa2048, .rsa3072, .rsa4096: return rsa
            case .mlDSA44, .mlDSA65, .mlDSA87: return mlDSA
            case _ where spec.capabilities.family == .asymmetric: return ecc
            default: return symmetric
            }
        }
        return operation == "GenerateRandom" ? symmetric : operation
    }

    /// AWS KMS's default request quotas (developer guide, "Request quotas"), transcribed; GetKeyLastUsage and the
    /// ML-DSA group, which the table did not list when it was transcribed, are Trent's assumptions.
    public static let aws = Table(
        rates: [
            symmetric: 10_000, rsa: 500, ecc: 300, mlDSA: 300,
            "CancelKeyDeletion": 5, "ConnectCustomKeyStore": 5, "CreateAlias": 5, "CreateCustomKeyStore": 5,
            "CreateGrant": 50, "CreateKey": 50, "DeleteAlias": 15, "DeleteCustomKeyStore": 5,
            "DeleteImportedKeyMaterial": 15, "DescribeCustomKeyStores": 5, "DescribeKey": 2000, "DisableKey": 5,
            "DisableKeyRotation": 5, "DisconnectCustomKeyStore": 5, "EnableKey": 5, "EnableKeyRotation": 5,
            "GetKeyLastUsage": 100, "GetKeyPolicy": 1000, "GetKeyRotationStatus": 1000, "GetParametersForImport": 1,
            "GetPublicKey": 2000, "ImportKeyMaterial": 5, "ListAliases": 500, "ListGrants": 100, "ListKeyPolicies": 100,
            "ListKeyRotations": 100, "ListKeys": 500, "ListResourceTags": 100, "ListRetirableGrants": 100,
            "PutKeyPolicy": 15, "ReplicateKey": 5, "RetireGrant": 30, "RevokeGrant": 30, "RotateKeyOnDemand": 5,
            "ScheduleKeyDeletion": 5, "TagResource": 10, "UntagResource": 5, "UpdateAlias": 5, "UpdateCustomKeyStore": 5,
            "UpdateKeyDescription": 5, "UpdatePrimaryRegion": 5,
        ],
        regional: [
            symmetric: Dictionary(
                uniqueKeysWithValues: [
                    "us-east-2", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "eu-central-1", "eu-west-2",
                ]
                .map { ($0, 20_000.0) } + ["us-east-1", "us-west-2", "eu-west-1"].map { ($0, 100_000.0) })
        ])

    public let table: Table
    private struct Bucket {
        var tokens: Double
        var refilled: ContinuousClock.Instant
    }
    private let buckets = Mutex<[String: Bucket]>([:])
    private let clock = ContinuousClock()

    public init(_ table: Table) { self.table = table }

    /// Takes one request from the group's bucket for this account and Region, or throws ThrottlingException.
    func admit(_ group: String, scope: Scope) throws(KMSError) {
        guard let rate = table.rate(of: group, in: scope.region), rate > 0 else { return }
        let now = clock.now
        let key = "\(scope.account.rawValue)/\(scope.region.rawValue)/\(group)"
        let admitted = buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: max(rate, 1), refilled: now)
            let elapsed =
                Double((now - bucket.refilled).components.attoseconds) / 1e18
                + Double((now - bucket.refilled).components.seconds)
            bucket.tokens = min(max(rate, 1), bucket.tokens + elapsed * rate)
            bucket.refilled = now
            let ok = bucket.tokens >= 1
            if ok { bucket.tokens -= 1 }
            buckets[key] = bucket
            return ok
        }
        guard admitted else {
            Counter(label: "trent_throttled_requests_total", dimensions: [("group", group)]).increment()
            // AWS's words (developer guide, "Throttling AWS KMS requests").
            var error = KMSError(
                .throttling, "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.")
            error.reason =
                "request quota \(group) (\(Self.format(rate)) requests per second per account and Region on this node) exceeded"
            throw error
        }
    }

    private static func format(_ rate: Double) -> String {
        rate == rate.rounded() ? String(Int(rate)) : String(rate)
    }

    /// A quota file: `inherit: aws` (optional) and rates by group or operation name, for example
    /// `cryptographic-symmetric: 5` or `CreateKey: 1`. An operation of a shared cryptographic quota is refused:
    /// its group is what has a rate.
    public static func table(fromFile values: [String: Any], operations: [String]) throws -> Table {
        var table = Table(rates: [:])
        if let inherit = values["inherit"] {
            guard inherit as? String == "aws" else { throw QuotaFileError("inherit may only be aws") }
            table = aws
        }
        // An operation counted in a shared cryptographic quota has no rate of its own: its group has.
        func shared(_ operation: String) -> Bool {
            KMSAction(rawValue: operation)?.countsByKeyType == true || group(of: operation) != operation
        }
        for (name, value) in values where name != "inherit" {
            guard cryptographicGroups.contains(name) || (operations.contains(name) && !shared(name)) else {
                throw QuotaFileError(
                    shared(name)
                        ? "\(name) counts in a shared cryptographic quota: set \(cryptographicGroups.joined(separator: ", ")) instead"
                        : "\(name) is neither a quota group nor an operation")
            }
            guard let rate = (value as? Double) ?? (value as? Int).map(Double.init), rate > 0 else {
                throw QuotaFileError("\(name) must be a positive number of requests per second")
            }
            table.rates[name] = rate
            table.regional[name] = nil
        }
        return table
    }

    public struct QuotaFileError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
