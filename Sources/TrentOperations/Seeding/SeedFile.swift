import Foundation
import TrentCore

/// A seed file (`trent serve --seed FILE`), in either of local-kms's layouts (the original
/// `Keys: Symmetric: Aes:` one and the `Version: 2` one with a list of keys), plus Trent's extensions to the
/// list layout: Account, Region, Tags, Policy, Grants, RotationPeriodInDays, MultiRegion, Enabled, and for a member
/// of a multi-Region set PrimaryRegion and ReplicaRegions.
public struct SeedFile: Decodable, Sendable {
    public var keys: [SeedKey]
    public var aliases: [SeedAlias]
    /// Fault rules (development mode only), as `POST /admin/faults` takes them.
    public var faults: [FaultRules.Spec] = []

    enum CodingKeys: String, CodingKey { case Version, Keys, Aliases, Faults }

    struct Legacy: Decodable {
        struct Section: Decodable {
            var Aes: [LegacyKey]?
            var Rsa: [LegacyKey]?
            var Ecc: [LegacyKey]?
        }
        var Symmetric: Section?
        var Asymmetric: Section?
    }

    struct LegacyKey: Decodable {
        var Metadata: SeedKey.Metadata
        var BackingKeys: [String]?
        var PrivateKeyPem: String?
        var NextKeyRotation: String?
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        aliases = try c.decodeIfPresent([SeedAlias].self, forKey: .Aliases) ?? []
        faults = try c.decodeIfPresent([FaultRules.Spec].self, forKey: .Faults) ?? []
        if let list = try? c.decode([SeedKey].self, forKey: .Keys) {
            keys = list
        } else if let legacy = try c.decodeIfPresent(Legacy.self, forKey: .Keys) {
            var out: [SeedKey] = []
            for (family, entries) in [
                ("Aes", legacy.Symmetric?.Aes ?? []), ("Rsa", legacy.Asymmetric?.Rsa ?? []),
                ("Ecc", legacy.Asymmetric?.Ecc ?? []),
            ] {
                for entry in entries {
                    var metadata = entry.Metadata
                    if family == "Aes" { metadata.KeySpec = metadata.KeySpec ?? "SYMMETRIC_DEFAULT" }
                    out.append(
                        SeedKey(
                            KeyId: metadata.KeyId, Metadata: metadata, NextKeyRotation: entry.NextKeyRotation,
                            Material: .init(BackingKeys: entry.BackingKeys, PrivateKeyPem: entry.PrivateKeyPem)))
                }
            }
            keys = out
        } else {
            keys = []
        }
    }

    public init(keys: [SeedKey], aliases: [SeedAlias]) {
        self.keys = keys
        self.aliases = aliases
    }
}

public struct SeedKey: Decodable, Sendable {
    public struct Metadata: Decodable, Sendable {
        public var KeyId: String?
        public var Description: String?
        public var KeySpec: String?
        public var KeyUsage: String?
        public var Origin: String?
        public var MultiRegion: Bool?
        public var Enabled: Bool?
    }

    public struct Material: Decodable, Sendable {
        /// Symmetric and HMAC key material, hex or base64; several are successive versions (the last is current).
        public var BackingKeys: [String]?
        /// An asymmetric private key (PKCS#8, SEC1 or PKCS#1 PEM).
        public var PrivateKeyPem: String?
        /// A symmetric EXTERNAL key's imported materials, oldest first, as ListKeyRotations shows them.
        public var ImportedKeyMaterials: [ImportedMaterial]?
    }

    /// One imported material: its bytes (hex or base64) when it is imported, else its KeyMaterialId alone
    /// (PENDING_IMPORT: deleted or expired, waiting for the same material to be imported again).
    public struct ImportedMaterial: Decodable, Sendable {
        public var KeyMaterial: String?
        public var KeyMaterialId: String?
        /// CURRENT (exactly one), NON_CURRENT, or PENDING_ROTATION (at most one, the last).
        public var KeyMaterialState: String
        public var KeyMaterialDescription: String?
        /// ISO 8601; absent: the material does not expire.
        public var ValidTo: String?
        /// When the material became current by a rotation (ISO 8601); absent for the first.
        public var RotationDate: String?
    }

    public struct GrantEntry: Decodable, Sendable {
        public var GranteePrincipal: String
        public var RetiringPrincipal: String?
        public var Operations: [String]
        public var Name: String?
        public var Constraints: WireGrantConstraintsSeed?
    }

    public struct WireGrantConstraintsSeed: Decodable, Sendable {
        public var EncryptionContextSubset: [String: String]?
        public var EncryptionContextEquals: [String: String]?
    }

    public struct TagEntry: Decodable, Sendable {
        public var TagKey: String
        public var TagValue: String
    }

    public var KeyId: String?
    public var Account: String?
    public var Region: String?
    public var Metadata: Metadata
    public var NextKeyRotation: String?
    public var RotationPeriodInDays: Int?
    public var Material: Material?
    public var Tags: [TagEntry]?
    public var Policy: JSONValue?
    public var Grants: [GrantEntry]?
    /// A multi-Region key's set: the Region of its primary and the Regions of its replicas.
    public var PrimaryRegion: String?
    public var ReplicaRegions: [String]?

    init(KeyId: String?, Metadata: Metadata, NextKeyRotation: String?, Material: Material?) {
        self.KeyId = KeyId
        self.Metadata = Metadata
        self.NextKeyRotation = NextKeyRotation
        self.Material = Material
    }
}

public struct SeedAlias: Decodable, Sendable {
    public var AliasName: String
    public var TargetKeyId: String
    public var Account: String?
    public var Region: String?
}
