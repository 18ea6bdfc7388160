import Foundation
import Metrics
import Synchronization
import TrentCore

/// Fault injection for tests (development mode only): rules that answer matching requests with a chosen AWS error,
/// with a probability, and/or delay them. A rule ends after `Count` firings or at its expiry on Trent's clock.
/// Every injected answer is marked (KMSError.injected) for the audit trail, and counted.
public final class FaultRules: Sendable {
    /// A rule as `POST /admin/faults` and a seed file's `Faults` section give it.
    public struct Spec: Codable, Sendable, Equatable {
        /// Operation name or glob (`*`, `Generate*`); default every operation.
        public var Operation: String?
        /// Key id, key ARN, alias name or alias ARN, compared with the request's key members (and the key a
        /// Decrypt ciphertext names).
        public var KeyId: String?
        public var Account: String?
        public var Region: String?
        /// Exception name of the model (or ThrottlingException), answered with its HTTP status.
        public var Error: String?
        public var Message: String?
        /// 0 to 1; default 1.
        public var Probability: Double?
        public var LatencyMs: Int?
        /// Firings before the rule ends; default unlimited.
        public var Count: Int?
        public var ExpiresInSeconds: Double?

        public init(
            Operation: String? = nil, KeyId: String? = nil, Account: String? = nil, Region: String? = nil,
            Error: String? = nil, Message: String? = nil, Probability: Double? = nil, LatencyMs: Int? = nil,
            Count: Int? = nil, ExpiresInSeconds: Double? = nil
        ) {
            self.Operation = Operation
            self.KeyId = KeyId
            self.Account = Account
            self.Region = Region
            self.Error = Error
            self.Message = Message
            self.Probability = Probability
            self.LatencyMs = LatencyMs
            self.Count = Count
            self.ExpiresInSeconds = ExpiresInSeconds
        }
    }

    /// A rule in force, as `GET /admin/faults` lists it.
    public struct Rule: Encodable, Sendable {
        public let Id: String
        public let Spec: Spec
        public var Remaining: Int?
        public let ExpiresAt: Date?
        public var Fired: Int
    }

    private let rules = Mutex<[Rule]>([])
    private let nextID = Atomic<Int>(1)
    /// Whether any rule is in force, read without the lock on every request.
    private let active = Atomic<Bool>(false)

    public init() {}

    /// Checks and adds a rule; `now` is Trent's clock.
    @discardableResult
    public func add(_ spec: Spec, now: Date) throws(KMSError) -> Rule {
        if let name = spec.Error, ErrorCode(rawValue: name) == nil {
            throw KMSError.validation("Error must be an exception name of the KMS model, such as DependencyTimeoutException.")
        }
        guard spec.Error != nil || (spec.LatencyMs ?? 0) > 0 else {
            throw KMSError.validation("A fault rule needs an Error to answer, a LatencyMs to add, or both.")
        }
        if let p = spec.Probability, !(0...1).contains(p) { throw KMSError.validation("Probability must be from 0 to 1.") }
        if let ms = spec.LatencyMs, !(0...120_000).contains(ms) {
            throw KMSError.validation("LatencyMs must be from 0 to 120000.")
        }
        if let count = spec.Count, count < 1 { throw KMSError.validation("Count must be at least 1.") }
        if let seconds = spec.ExpiresInSeconds, !(seconds > 0 && seconds.isFinite) {
            throw KMSError.validation("ExpiresInSeconds must be a positive number.")
        }
        let rule = Rule(
            Id: "fault-\(nextID.add(1, ordering: .relaxed).oldValue)", Spec: spec, Remaining: spec.Count,
            ExpiresAt: spec.ExpiresInSeconds.map { now.addingTimeInterval($0) }, Fired: 0)
        rules.withLock {
            $0.append(rule)
            active.store(true, ordering: .releasing)
        }
        return rule
    }

    public func list(now: Date) -> [Rule] {
        rules.withLock { rules in
            rules.removeAll { $0.ExpiresAt.map { $0 <= now } ?? false }
            return rules
        }
    }

    public func clear() {
        rules.withLock {
            $0.removeAll()
            active.store(false, ordering: .releasing)
        }
    }

    @discardableResult
    public func remove(_ id: String) -> Bool {
        rules.withLock { rules in
            let before = rules.count
            rules.removeAll { $0.Id == id }
            active.store(!rules.isEmpty, ordering: .releasing)
            return rules.count < before
        }
    }

    /// Applies the first matching rule that fires: waits its latency, then answers its error (if any).
    func apply(to operation: String, input: JSONValue, caller: Caller, now: Date) async throws {
        // Fast path: no rules, no work.
        guard active.load(ordering: .acquiring) else { return }
        let keys = Self.keys(of: input)
        let fired: Rule? = rules.withLock { rules in
            rules.removeAll { $0.ExpiresAt.map { $0 <= now } ?? false }
            for index in rules.indices where Self.matches(rules[index].Spec, operation, keys, caller) {
                guard Double.random(in: 0..<1) < (rules[index].Spec.Probability ?? 1) else { continue }
                rules[index].Fired += 1
                let rule = rules[index]
                if let remaining = rules[index].Remaining {
                    if remaining <= 1 { rules.remove(at: index) } else { rules[index].Remaining = remaining - 1 }
                }
                active.store(!rules.isEmpty, ordering: .releasing)
                return rule
            }
            return nil
        }
        guard let rule = fired else { return }
        let spec = rule.Spec
        Counter(
            label: "trent_injected_faults_total", dimensions: [("operation", operation), ("error", spec.Error ?? "latency")]
        ).increment()
        if let ms = spec.LatencyMs, ms > 0 { try? await Task.sleep(for: .milliseconds(ms)) }
        guard let name = spec.Error, let code = ErrorCode(rawValue: name) else { return }
        var error = KMSError(code, spec.Message ?? "Trent injected this \(name) (fault rule \(rule.Id)).")
        error.injected = true
        error.reason = "fault rule \(rule.Id) injected \(name)"
        throw error
    }

    private static func matches(_ spec: Spec, _ operation: String, _ keys: [String], _ caller: Caller) -> Bool {
        if let pattern = spec.Operation, !glob(pattern, operation) { return false }
        if let account = spec.Account, account != caller.account.rawValue { return false }
        if let region = spec.Region, region != caller.region.rawValue { return false }
        if let key = spec.KeyId, !keys.contains(normalized(key)) { return false }
        return true
    }

    /// `key/ID` or `alias/NAME` from any way of naming a key or alias.
    static func normalized(_ name: String) -> String {
        if let range = name.range(of: ":key/") { return "key/" + name[range.upperBound...] }
        if let range = name.range(of: ":alias/") { return "alias/" + name[range.upperBound...] }
        return name.hasPrefix("alias/") ? name : "key/" + name
    }

    /// The keys a request names: its key members, and the key a ciphertext blob records.
    static func keys(of input: JSONValue) -> [String] {
        guard case .object(let members) = input else { return [] }
        var keys: [String] = []
        for member in ["KeyId", "SourceKeyId", "DestinationKeyId", "TargetKeyId"] {
            if case .string(let value) = members[member] { keys.append(normalized(value)) }
        }
        if case .string(let text) = members["CiphertextBlob"], let blob = Data(base64Encoded: text),
            let parsed = try? CiphertextBlob(parsing: blob)
        {
            keys.append("key/" + parsed.identity.id.rawValue)
        }
        return keys
    }

    /// `*` matches any run of characters, `?` one; anything else itself.
    static func glob(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern)
        let t = Array(text)
        var memo: [Int: Bool] = [:]
        func match(_ i: Int, _ j: Int) -> Bool {
            if let known = memo[i * (t.count + 1) + j] { return known }
            let result: Bool
            if i == p.count {
                result = j == t.count
            } else if p[i] == "*" {
                result = match(i + 1, j) || (j < t.count && match(i, j + 1))
            } else {
                result = j < t.count && (p[i] == "?" || p[i] == t[j]) && match(i + 1, j + 1)
            }
            memo[i * (t.count + 1) + j] = result
            return result
        }
        return match(0, 0)
    }
}
