import Foundation

/// A 12-digit AWS account id.
public struct AccountID: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let rawValue: String
    public init?(_ value: String) {
        guard value.utf8.count == 12, value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        rawValue = value
    }
    public var description: String { rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// An AWS Region name such as `us-east-1`.
public struct Region: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let rawValue: String
    public init?(_ value: String) {
        guard !value.isEmpty, value.utf8.count <= 64,
            value.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 })
        else { return nil }
        rawValue = value
    }
    public var description: String { rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// The (account, Region) pair every resource lives in.
public struct Scope: Hashable, Sendable, CustomStringConvertible {
    public let account: AccountID
    public let region: Region
    public init(account: AccountID, region: Region) {
        self.account = account
        self.region = region
    }
    public var description: String { "\(region.rawValue):\(account.rawValue)" }
}

/// A key id: a lowercase UUID, or `mrk-` and 32 hex digits for multi-Region keys.
public struct KeyID: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let rawValue: String
    public init?(_ value: String) {
        if value.hasPrefix("mrk-") {
            let hex = value.dropFirst(4)
            guard hex.count == 32, hex.utf8.allSatisfy(KeyID.isLowerHex) else { return nil }
        } else {
            // A lowercase UUID, 8-4-4-4-12, checked byte by byte (Foundation's UUID(uuidString:) goes through sscanf,
            // which showed in profiles: every request and every listed alias makes a KeyID).
            var index = 0
            for byte in value.utf8 {
                let dash = index == 8 || index == 13 || index == 18 || index == 23
                guard dash ? byte == 45 : KeyID.isLowerHex(byte) else { return nil }
                index += 1
            }
            guard index == 36 else { return nil }
        }
        rawValue = value
    }
    public static func random() -> KeyID { KeyID(RandomUUID.make())! }
    /// Multi-Region keys' ids start with `mrk-`.
    public var isMultiRegion: Bool { rawValue.hasPrefix("mrk-") }
    private static func isLowerHex(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 97 && c <= 102) }
    public var description: String { rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// A key's full identity: where it lives and its id.
public struct KeyIdentity: Hashable, Sendable, CustomStringConvertible {
    public let scope: Scope
    public let id: KeyID
    public init(scope: Scope, id: KeyID) {
        self.scope = scope
        self.id = id
    }
    public var arn: KeyARN { KeyARN(identity: self) }
    public var description: String { arn.description }
}

/// `arn:aws:kms:REGION:ACCOUNT:key/ID`
public struct KeyARN: Hashable, Sendable, CustomStringConvertible {
    public let identity: KeyIdentity
    public init(identity: KeyIdentity) { self.identity = identity }
    public var description: String {
        "arn:aws:kms:\(identity.scope.region.rawValue):\(identity.scope.account.rawValue):key/\(identity.id.rawValue)"
    }
}

/// An alias name, always beginning with `alias/`.
public struct AliasName: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let rawValue: String
    /// Accepts any string that begins with `alias/`; the full rules live in `AliasName.validate`.
    public init?(_ value: String) {
        guard value.hasPrefix("alias/") else { return nil }
        rawValue = value
    }
    public var isAWSManaged: Bool { rawValue.hasPrefix("alias/aws/") }
    public var description: String { rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// `arn:aws:kms:REGION:ACCOUNT:alias/NAME`
public struct AliasARN: Hashable, Sendable, CustomStringConvertible {
    public let scope: Scope
    public let name: AliasName
    public init(scope: Scope, name: AliasName) {
        self.scope = scope
        self.name = name
    }
    public var description: String {
        "arn:aws:kms:\(scope.region.rawValue):\(scope.account.rawValue):\(name.rawValue)"
    }
}

/// Every way a request may name a key.
public enum KeyReference: Hashable, Sendable {
    case keyID(KeyID)
    case keyARN(KeyARN)
    case aliasName(AliasName)
    case aliasARN(AliasARN)

    public enum Kind: Sendable { case keyID, keyARN, aliasName, aliasARN }

    public var kind: Kind {
        switch self {
        case .keyID: .keyID
        case .keyARN: .keyARN
        case .aliasName: .aliasName
        case .aliasARN: .aliasARN
        }
    }

    public var isAlias: Bool {
        switch self {
        case .aliasName, .aliasARN: true
        default: false
        }
    }

    /// Parses what a caller sent as `KeyId`. Anything that is not one of the four forms is NotFoundException,
    /// as AWS answers.
    public static func parse(_ raw: String) throws(KMSError) -> KeyReference {
        if raw.hasPrefix("arn:") {
            let parts = raw.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
            guard parts.count == 6, parts[1].hasPrefix("aws"), parts[2] == "kms",
                let region = Region(String(parts[3])), let account = AccountID(String(parts[4]))
            else { throw KMSError(.notFound, "Invalid arn \(raw)") }
            let scope = Scope(account: account, region: region)
            let resource = String(parts[5])
            if resource.hasPrefix("key/"), let id = KeyID(String(resource.dropFirst(4))) {
                return .keyARN(KeyARN(identity: KeyIdentity(scope: scope, id: id)))
            }
            if let name = AliasName(resource), resource.count > 6 {
                return .aliasARN(AliasARN(scope: scope, name: name))
            }
            throw KMSError(.notFound, "Invalid arn \(raw)")
        }
        if let name = AliasName(raw), raw.count > 6 { return .aliasName(name) }
        if let id = KeyID(raw) { return .keyID(id) }
        throw KMSError(.notFound, "Invalid keyId '\(raw)'")
    }
}
