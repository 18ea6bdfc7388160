import Foundation
import TrentCore
import TrentCrypto

/// Writes the keys, aliases, tags, policies, grants and rotation settings of a store as a seed file that
/// `--seed` reads back. Key material is included only when asked: a file with it is as secret as the keys.
public struct SeedExporter: Sendable {
    let kms: KMS

    public init(kms: KMS) { self.kms = kms }

    public struct Document: Encodable {
        var Version = 2
        var Keys: [Key]
        var Aliases: [Alias]
    }

    public struct Key: Encodable {
        struct Metadata: Encodable {
            var Description: String
            var KeySpec: String
            var KeyUsage: String
            var Origin: String
            var MultiRegion: Bool
            var Enabled: Bool
        }
        struct Material: Encodable {
            var BackingKeys: [String]?
            var PrivateKeyPem: String?
            var ImportedKeyMaterials: [ImportedMaterial]?
        }
        struct ImportedMaterial: Encodable {
            var KeyMaterial: String?
            var KeyMaterialId: String
            var KeyMaterialState: String
            var KeyMaterialDescription: String?
            var ValidTo: String?
            var RotationDate: String?
        }
        struct TagEntry: Encodable {
            var TagKey: String
            var TagValue: String
        }
        struct Constraints: Encodable {
            var EncryptionContextSubset: [String: String]?
            var EncryptionContextEquals: [String: String]?
        }
        struct GrantEntry: Encodable {
            var GranteePrincipal: String
            var RetiringPrincipal: String?
            var Operations: [String]
            var Name: String?
            var Constraints: Constraints?
        }
        var KeyId: String
        var Account: String
        var Region: String
        var Metadata: Metadata
        var Material: Material?
        var Tags: [TagEntry]?
        var Policy: String
        var Grants: [GrantEntry]?
        var RotationPeriodInDays: Int?
        var NextKeyRotation: String?
        var PrimaryRegion: String?
        var ReplicaRegions: [String]?
    }

    public struct Alias: Encodable {
        var AliasName: String
        var TargetKeyId: String
        var Account: String
        var Region: String
    }

    /// Customer managed keys that are not pending deletion, with their aliases, in every scope given.
    public func export(_ scopes: [Scope], includeKeyMaterial: Bool) async throws -> Document {
        let now = kms.clock.now()
        var keys: [Key] = []
        var aliases: [Alias] = []
        let formatter = ISO8601DateFormatter()
        for scope in scopes {
            let records = try await kms.store.keys(in: scope).filter {
                // Keys in a custom key store live in its HSM: a seed file cannot carry them.
                $0.manager == .customer && $0.state != .pendingDeletion && !$0.isDeleted(at: now) && $0.customKeyStoreID == nil
            }
            for r in records {
                var material: Key.Material?
                if includeKeyMaterial {
                    material = try self.material(of: r)
                } else if r.origin == .external && r.spec == .symmetricDefault && !r.materials.isEmpty {
                    // Without material, an imported key keeps its material ids, so the same material imports again.
                    material = .init(ImportedKeyMaterials: try importedMaterials(of: r, includeKeyMaterial: false))
                }
                keys.append(
                    Key(
                        KeyId: r.identity.id.rawValue, Account: scope.account.rawValue, Region: scope.region.rawValue,
                        Metadata: .init(
                            Description: r.description, KeySpec: r.spec.rawValue, KeyUsage: r.usage.rawValue,
                            Origin: r.origin.rawValue, MultiRegion: r.multiRegion, Enabled: r.state != .disabled),
                        Material: material, Tags: r.tags.isEmpty ? nil : r.tags.map { .init(TagKey: $0.key, TagValue: $0.value) },
                        Policy: r.policy,
                        Grants: r.grants.isEmpty
                            ? nil
                            : r.grants.map {
                                .init(
                                    GranteePrincipal: $0.granteePrincipal, RetiringPrincipal: $0.retiringPrincipal,
                                    Operations: $0.operations, Name: $0.name,
                                    Constraints: $0.contextSubset == nil && $0.contextEquals == nil
                                        ? nil
                                        : .init(
                                            EncryptionContextSubset: $0.contextSubset, EncryptionContextEquals: $0.contextEquals))
                            },
                        RotationPeriodInDays: r.rotationPeriodDays,
                        NextKeyRotation: r.nextRotationDate.map { formatter.string(from: $0) },
                        PrimaryRegion: r.replicaRegions.isEmpty ? nil : (r.primaryRegion ?? scope.region).rawValue,
                        ReplicaRegions: r.replicaRegions.isEmpty ? nil : r.replicaRegions.map(\.rawValue)))
            }
            let live = Set(records.map(\.identity.id))
            for alias in try await kms.store.aliases(in: scope) where live.contains(alias.targetKeyID) {
                aliases.append(
                    Alias(
                        AliasName: alias.name.rawValue, TargetKeyId: alias.targetKeyID.rawValue, Account: scope.account.rawValue,
                        Region: scope.region.rawValue))
            }
        }
        return Document(Keys: keys, Aliases: aliases)
    }

    private func material(of record: KeyRecord) throws -> Key.Material? {
        if record.spec.keyPairType != nil {
            guard let current = record.currentMaterial else { return nil }
            if [.mlDSA44, .mlDSA65, .mlDSA87].contains(record.spec) {
                let seed = try kms.material(current, of: record.identity).bytes
                return .init(BackingKeys: [Hex.encode(seed)])
            }
            let der = try kms.material(current, of: record.identity).bytes
            let lines = der.base64EncodedString().chunked(64)
            return .init(
                PrivateKeyPem: (["-----BEGIN PRIVATE KEY-----"] + lines + ["-----END PRIVATE KEY-----"]).joined(separator: "\n")
                    + "\n")
        }
        if record.origin == .external && record.spec == .symmetricDefault {
            return .init(ImportedKeyMaterials: try importedMaterials(of: record, includeKeyMaterial: true))
        }
        let versions = try record.materials.sorted { $0.version < $1.version }.map {
            Hex.encode(try kms.material($0, of: record.identity).bytes)
        }
        return versions.isEmpty ? nil : .init(BackingKeys: versions)
    }
}

extension SeedExporter {
    /// A symmetric EXTERNAL key's imported materials; without their bytes, each keeps its id (PENDING_IMPORT once
    /// seeded, until the same material is imported again).
    func importedMaterials(of record: KeyRecord, includeKeyMaterial: Bool) throws -> [Key.ImportedMaterial] {
        let formatter = ISO8601DateFormatter()
        return try record.materials.sorted { $0.version < $1.version }.map { m in
            Key.ImportedMaterial(
                KeyMaterial: includeKeyMaterial && m.isPresent ? Hex.encode(try kms.material(m, of: record.identity).bytes) : nil,
                KeyMaterialId: m.materialID,
                KeyMaterialState: record.materialState(of: m),
                KeyMaterialDescription: m.materialDescription,
                ValidTo: m.isPresent ? m.validTo.map(formatter.string(from:)) : nil,
                RotationDate: m.rotationType == nil ? nil : formatter.string(from: m.createdAt))
        }
    }
}

extension String {
    fileprivate func chunked(_ size: Int) -> [String] {
        var out: [String] = []
        var index = startIndex
        while index < endIndex {
            let end = self.index(index, offsetBy: size, limitedBy: endIndex) ?? endIndex
            out.append(String(self[index..<end]))
            index = end
        }
        return out
    }
}
