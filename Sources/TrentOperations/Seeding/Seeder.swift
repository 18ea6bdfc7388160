import Foundation
import TrentCore
import TrentCrypto

/// A seed file entry that cannot be applied: which entry, and why. Start-up stops and nothing is written.
public struct SeedError: Error, CustomStringConvertible {
    public let entry: String
    public let problem: String
    public var description: String { "\(entry): \(problem)" }
}

/// Applies a seed file at start-up: every entry is checked first, then all new keys and aliases are committed
/// in one change set, so a bad file changes nothing. Keys and aliases that already exist are left as they are,
/// which makes seeding idempotent across restarts.
public struct Seeder: Sendable {
    let kms: KMS
    let defaults: Scope

    public init(kms: KMS, defaults: Scope) {
        self.kms = kms
        self.defaults = defaults
    }

    /// Returns the number of keys and aliases created.
    @discardableResult
    public func apply(_ seed: SeedFile) async throws -> (keys: Int, aliases: Int) {
        let now = kms.clock.now()
        var changes = ChangeSet()
        var planned: [KeyIdentity: KeyRecord] = [:]
        for (index, entry) in seed.keys.enumerated() {
            let label = "Keys[\(index)]" + ((entry.KeyId ?? entry.Metadata.KeyId).map { " (KeyId \($0))" } ?? "")
            let record: KeyRecord
            do {
                record = try plan(entry, at: now)
            } catch let error as SeedError {
                throw SeedError(entry: label, problem: error.problem)
            } catch let error as KMSError {
                throw SeedError(entry: label, problem: error.message)
            }
            guard planned[record.identity] == nil else { throw SeedError(entry: label, problem: "the KeyId appears twice") }
            planned[record.identity] = record
            if try await kms.store.key(record.identity) == nil {
                changes.keys.append(.put(record, expectedRevision: nil))
            }
        }
        for (index, entry) in seed.aliases.enumerated() {
            let label = "Aliases[\(index)] (\(entry.AliasName))"
            let scope = try scope(entry.Account, entry.Region, label)
            let name: AliasName
            do {
                name = try AliasName.validateCustomerAlias(entry.AliasName)
            } catch {
                throw SeedError(entry: label, problem: error.message)
            }
            let target: KeyID
            switch try? KeyReference.parse(entry.TargetKeyId) {
            case .keyID(let id): target = id
            case .keyARN(let arn) where arn.identity.scope == scope: target = arn.identity.id
            default:
                throw SeedError(entry: label, problem: "TargetKeyId must be a key id or key ARN of the same account and Region")
            }
            let identity = KeyIdentity(scope: scope, id: target)
            let exists = try await kms.store.key(identity) != nil
            guard planned[identity] != nil || exists else {
                throw SeedError(entry: label, problem: "its target key \(identity.arn) is neither in the seed file nor stored")
            }
            if try await kms.store.alias(name, in: scope) == nil {
                changes.aliases.append(
                    .create(AliasRecord(scope: scope, name: name, targetKeyID: target, creationDate: now, lastUpdatedDate: now)))
            }
        }
        // Fault rules are checked before anything is written, and added after.
        for (index, spec) in seed.faults.enumerated() {
            do {
                try FaultRules().add(spec, now: now)
            } catch {
                throw SeedError(entry: "Faults[\(index)]", problem: error.message)
            }
        }
        if !changes.keys.isEmpty || !changes.aliases.isEmpty {
            try await kms.store.commit(changes)
        }
        for spec in seed.faults { try kms.faults.add(spec, now: now) }
        return (changes.keys.count, changes.aliases.count)
    }

    private func scope(_ account: String?, _ region: String?, _ label: String) throws(SeedError) -> Scope {
        var result = defaults
        if let account {
            guard let parsed = AccountID(account) else { throw SeedError(entry: label, problem: "Account must be 12 digits") }
            result = Scope(account: parsed, region: result.region)
        }
        if let region {
            guard let parsed = Region(region) else { throw SeedError(entry: label, problem: "Region is not a Region name") }
            result = Scope(account: result.account, region: parsed)
        }
        return result
    }

    /// A symmetric EXTERNAL key's materials from ImportedKeyMaterials: versions in order, the current one's.
    private func importedMaterials(
        _ entries: [SeedKey.ImportedMaterial], of identity: KeyIdentity, at now: Date
    ) throws -> ([SealedMaterial], UInt32) {
        func date(_ text: String?, _ member: String) throws -> Date? {
            guard let text else { return nil }
            guard let parsed = ISO8601.parse(text) else {
                throw SeedError(entry: "", problem: "\(member) must be an ISO 8601 date, such as 2026-01-01T00:00:00Z")
            }
            return parsed
        }
        let states = entries.map(\.KeyMaterialState)
        guard states.filter({ $0 == "CURRENT" }).count == 1,
            states.allSatisfy({ ["CURRENT", "NON_CURRENT", "PENDING_ROTATION"].contains($0) }),
            !states.dropLast().contains("PENDING_ROTATION"), states.last == "PENDING_ROTATION" || states.last == "CURRENT"
        else {
            throw SeedError(
                entry: "",
                problem:
                    "ImportedKeyMaterials take KeyMaterialState CURRENT once, NON_CURRENT before it, and PENDING_ROTATION at most once, last"
            )
        }
        var materials: [SealedMaterial] = []
        var current: UInt32 = 0
        for (index, entry) in entries.enumerated() {
            let version = UInt32(index + 1)
            var made: SealedMaterial
            if let text = entry.KeyMaterial {
                guard let bytes = Self.bytes(text), bytes.count == 32 else {
                    throw SeedError(entry: "", problem: "KeyMaterial must be a 32-byte key in hex or base64")
                }
                let id = KMS.importedMaterialID(SecretBytes(bytes), of: identity)
                if let given = entry.KeyMaterialId, given != id {
                    throw SeedError(entry: "", problem: "KeyMaterialId \(given) is not the id of the KeyMaterial given with it")
                }
                made = try kms.newMaterial(for: identity, version: version, bytes: SecretBytes(bytes), at: now, materialID: id)
                made.validTo = try date(entry.ValidTo, "ValidTo")
            } else {
                guard let id = entry.KeyMaterialId, id.count == 64, id.allSatisfy(\.isHexDigit),
                    entry.KeyMaterialState != "PENDING_ROTATION"
                else {
                    throw SeedError(
                        entry: "",
                        problem:
                            "an imported material without KeyMaterial (PENDING_IMPORT) needs its 64-hex-digit KeyMaterialId, and cannot be PENDING_ROTATION"
                    )
                }
                made = SealedMaterial(version: version, materialID: id.lowercased(), sealed: Data(), createdAt: now)
            }
            made.materialDescription = entry.KeyMaterialDescription
            if index > 0 && entry.KeyMaterialState != "PENDING_ROTATION" {
                made.rotationType = "ON_DEMAND"
                made.createdAt = try date(entry.RotationDate, "RotationDate") ?? now
            }
            if entry.KeyMaterialState == "CURRENT" { current = version }
            materials.append(made)
        }
        return (materials, current)
    }

    private func plan(_ entry: SeedKey, at now: Date) throws -> KeyRecord {
        let scope = try scope(entry.Account, entry.Region, "")
        guard let rawID = entry.KeyId ?? entry.Metadata.KeyId, let id = KeyID(rawID.lowercased()) else {
            throw SeedError(entry: "", problem: "KeyId must be a key id (a UUID, or mrk- and 32 hex digits)")
        }
        let identity = KeyIdentity(scope: scope, id: id)
        let material = entry.Material
        var imported: AsymmetricPrivateKey?
        if let pem = material?.PrivateKeyPem {
            do {
                imported = try AsymmetricPrivateKey.importing(pem: pem)
            } catch {
                throw SeedError(entry: "", problem: "PrivateKeyPem is not a private key Trent can use: \(error)")
            }
        }
        let spec: KeySpec
        if let raw = entry.Metadata.KeySpec {
            guard let parsed = KeySpec(rawValue: raw) else { throw SeedError(entry: "", problem: "unknown KeySpec \(raw)") }
            spec = parsed
        } else if let imported {
            spec = KeySpec.allCases.first { $0.keyPairType == imported.type }!
        } else {
            spec = .symmetricDefault
        }
        if let imported, spec.keyPairType != imported.type {
            throw SeedError(entry: "", problem: "PrivateKeyPem holds a \(imported.type.rawValue) key, not a \(spec.rawValue) key")
        }
        let defaultUsage: KeyUsage =
            spec.capabilities.family == .hmac
            ? .generateVerifyMac : spec.capabilities.family == .asymmetric ? .signVerify : .encryptDecrypt
        let usage =
            try entry.Metadata.KeyUsage.map { raw throws(SeedError) in
                guard let u = KeyUsage(rawValue: raw) else { throw SeedError(entry: "", problem: "unknown KeyUsage \(raw)") }
                return u
            } ?? defaultUsage
        guard spec.capabilities.usages.contains(usage) else {
            throw SeedError(entry: "", problem: "KeyUsage \(usage.rawValue) is not compatible with KeySpec \(spec.rawValue)")
        }
        let origin = KeyOrigin(rawValue: entry.Metadata.Origin ?? "AWS_KMS") ?? .awsKMS
        guard origin == .awsKMS || origin == .external else {
            throw SeedError(entry: "", problem: "Origin \(origin.rawValue) needs a custom key store, which Trent does not have")
        }

        // Material versions: given ones (the last current), else a new one (unless EXTERNAL and none given).
        var materials: [SealedMaterial] = []
        var versions: [SecretBytes] = []
        let isMLDSA = [.mlDSA44, .mlDSA65, .mlDSA87].contains(spec)
        if isMLDSA, let backing = material?.BackingKeys, !backing.isEmpty {
            // ML-DSA keys are their 32-byte FIPS 204 seed.
            guard backing.count == 1, let seedBytes = Self.bytes(backing[0]), seedBytes.count == 32,
                (try? AsymmetricPrivateKey(type: spec.keyPairType!, encoded: SecretBytes(seedBytes))) != nil
            else {
                throw SeedError(
                    entry: "", problem: "an ML-DSA key takes one BackingKeys entry: its 32-byte seed in hex or base64")
            }
            versions = [SecretBytes(seedBytes)]
        } else if let backing = material?.BackingKeys, !backing.isEmpty {
            guard spec.keyPairType == nil else {
                throw SeedError(entry: "", problem: "BackingKeys are for symmetric and HMAC keys")
            }
            let expected = spec.macAlgorithm.map { [$0.keyLength] } ?? [32]
            for text in backing {
                guard let bytes = Self.bytes(text),
                    expected.contains(bytes.count) || (spec.macAlgorithm != nil && (16...64).contains(bytes.count))
                else {
                    throw SeedError(entry: "", problem: "BackingKeys must be \(expected[0])-byte keys in hex or base64")
                }
                versions.append(SecretBytes(bytes))
            }
        } else if let imported {
            versions = [imported.encoded]
        } else if origin == .awsKMS {
            versions = [try CreateKey.newKeyMaterial(spec)]
        }
        var currentVersion = UInt32(versions.count)
        for (index, bytes) in versions.enumerated() {
            materials.append(
                try kms.newMaterial(
                    for: identity, version: UInt32(index + 1), bytes: bytes, at: now,
                    rotationType: index == 0 ? nil : origin == .external ? "ON_DEMAND" : "AUTOMATIC",
                    // Imported material has the id AWS derives from the key and the material.
                    materialID: origin == .external ? KMS.importedMaterialID(bytes, of: identity) : nil))
        }
        if let entries = material?.ImportedKeyMaterials {
            guard origin == .external, spec == .symmetricDefault, versions.isEmpty else {
                throw SeedError(
                    entry: "", problem: "ImportedKeyMaterials are for symmetric EXTERNAL keys, instead of BackingKeys")
            }
            (materials, currentVersion) = try importedMaterials(entries, of: identity, at: now)
        }
        let tags = try TagRules.validate(
            (entry.Tags ?? []).map { WireTag(TagKey: $0.TagKey, TagValue: $0.TagValue) }, existing: [])
        var policy = KeyPolicy.customerDefault(account: scope.account)
        if let value = entry.Policy {
            let text: String
            if case .string(let s) = value {
                text = s
            } else {
                text = String(decoding: try JSONSerialization.data(withJSONObject: value.foundationObject), as: UTF8.self)
            }
            _ = try PolicyDocument(parsing: text, requirePrincipal: true)
            policy = text
        }
        var record = KeyRecord(
            identity: identity, description: entry.Metadata.Description ?? "", spec: spec, usage: usage, origin: origin,
            manager: .customer,
            state: materials.first { $0.version == currentVersion }?.isPresent != true
                ? .pendingImport : (entry.Metadata.Enabled == false ? .disabled : .enabled),
            creationDate: now, materials: materials, currentVersion: currentVersion, tags: tags,
            multiRegion: entry.Metadata.MultiRegion ?? id.rawValue.hasPrefix("mrk-"), policy: policy)
        record.refreshMaterialValidTo()
        for grant in entry.Grants ?? [] {
            let invalid = grant.Operations.filter { !GrantRules.allowedOperations(record).contains($0) }
            guard invalid.isEmpty else {
                throw SeedError(
                    entry: "", problem: "grant operations \(invalid.joined(separator: ", ")) are not valid for this key")
            }
            let grantID = Hex.encode(SecureRandom.bytes(32))
            record.grants.append(
                Grant(
                    grantID: grantID, token: GrantRules.newToken(for: record, grantID: grantID), name: grant.Name,
                    granteePrincipal: grant.GranteePrincipal, retiringPrincipal: grant.RetiringPrincipal,
                    issuingPrincipal: "arn:aws:iam::\(scope.account.rawValue):root", operations: grant.Operations.sorted(),
                    contextSubset: grant.Constraints?.EncryptionContextSubset,
                    contextEquals: grant.Constraints?.EncryptionContextEquals, creationDate: now))
        }
        if entry.PrimaryRegion != nil || entry.ReplicaRegions != nil {
            guard record.multiRegion, id.isMultiRegion else {
                throw SeedError(entry: "", problem: "PrimaryRegion and ReplicaRegions need a multi-Region key (mrk- key id)")
            }
            let primary = try (entry.PrimaryRegion ?? scope.region.rawValue).seedRegion()
            let replicas = try (entry.ReplicaRegions ?? []).map { try $0.seedRegion() }
            guard ([primary] + replicas).contains(scope.region), !replicas.contains(primary),
                Set(replicas).count == replicas.count
            else {
                throw SeedError(
                    entry: "",
                    problem: "PrimaryRegion and ReplicaRegions must name this key's Region once, among distinct Regions")
            }
            record.primaryRegion = primary
            record.replicaRegions = replicas.sorted()
        }
        if entry.NextKeyRotation != nil || entry.RotationPeriodInDays != nil {
            try Rotation.requireRotatable(record)
            let period = entry.RotationPeriodInDays ?? Rotation.defaultPeriodDays
            guard (90...2560).contains(period) else {
                throw SeedError(entry: "", problem: "RotationPeriodInDays must be 90 to 2560")
            }
            record.rotationPeriodDays = period
            if let text = entry.NextKeyRotation {
                guard let date = ISO8601.parse(text) else {
                    throw SeedError(entry: "", problem: "NextKeyRotation must be an ISO 8601 date, such as 2026-01-01T00:00:00Z")
                }
                record.nextRotationDate = date
            } else {
                record.nextRotationDate = now.addingTimeInterval(TimeInterval(period) * 86400)
            }
        }
        return record
    }

    /// Key bytes written as hex or as base64.
    static func bytes(_ text: String) -> Data? {
        let t = text.trimmingCharacters(in: .whitespaces)
        return Hex.decode(t) ?? Data(base64Encoded: t)
    }
}

extension String {
    fileprivate func seedRegion() throws -> Region {
        guard let region = Region(self) else { throw SeedError(entry: "", problem: "\(self) is not a Region name") }
        return region
    }
}
