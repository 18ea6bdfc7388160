import Foundation
import TrentCore

/// A key record as the PostgreSQL store keeps it: one row per key, the columns that queries select on, and the
/// rest as one JSON document with these stable member names (renaming a Swift property never moves data).
/// Material inside is root-key-sealed, as in every store.
struct StoredKey: Codable {
    /// 2: each material carries its own expiry (format 1 kept one for the key).
    var format = 2
    var description: String
    var spec: String
    var usage: String
    var origin: String
    var manager: String
    var state: String
    var creationDate: Double
    var deletionDate: Double?
    var pendingWindowInDays: Int?
    var materials: [Material]
    var currentVersion: UInt32
    var tags: [Tag]
    var multiRegion: Bool
    var policy: String
    var grants: [StoredGrant]
    var rotationPeriodDays: Int?
    var nextRotationDate: Double?
    var materialValidTo: Double?
    var importFingerprint: Data?
    var primaryRegion: String?
    var replicaRegions: [String]
    var customKeyStoreID: String?
    var cloudHsmClusterID: String?
    var xksKeyID: String?
    var stateBeforeUnavailable: String?

    struct Material: Codable {
        var version: UInt32
        var materialID: String
        var sealed: Data
        var createdAt: Double
        var rotationType: String?
        var validTo: Double?
        var description: String?
    }

    struct StoredGrant: Codable {
        var grantID: String
        var token: String
        var name: String?
        var granteePrincipal: String
        var retiringPrincipal: String?
        var issuingPrincipal: String
        var operations: [String]
        var contextSubset: [String: String]?
        var contextEquals: [String: String]?
        var creationDate: Double
    }

    init(_ r: KeyRecord) {
        description = r.description
        spec = r.spec.rawValue
        usage = r.usage.rawValue
        origin = r.origin.rawValue
        manager = r.manager.rawValue
        state = r.state.rawValue
        creationDate = r.creationDate.timeIntervalSince1970
        deletionDate = r.deletionDate?.timeIntervalSince1970
        pendingWindowInDays = r.pendingWindowInDays
        materials = r.materials.map {
            Material(
                version: $0.version, materialID: $0.materialID, sealed: $0.sealed,
                createdAt: $0.createdAt.timeIntervalSince1970, rotationType: $0.rotationType,
                validTo: $0.validTo?.timeIntervalSince1970, description: $0.materialDescription)
        }
        currentVersion = r.currentVersion
        tags = r.tags
        multiRegion = r.multiRegion
        policy = r.policy
        grants = r.grants.map {
            StoredGrant(
                grantID: $0.grantID, token: $0.token, name: $0.name, granteePrincipal: $0.granteePrincipal,
                retiringPrincipal: $0.retiringPrincipal, issuingPrincipal: $0.issuingPrincipal, operations: $0.operations,
                contextSubset: $0.contextSubset, contextEquals: $0.contextEquals,
                creationDate: $0.creationDate.timeIntervalSince1970)
        }
        rotationPeriodDays = r.rotationPeriodDays
        nextRotationDate = r.nextRotationDate?.timeIntervalSince1970
        materialValidTo = r.materialValidTo?.timeIntervalSince1970
        importFingerprint = r.importFingerprint
        primaryRegion = r.primaryRegion?.rawValue
        replicaRegions = r.replicaRegions.map(\.rawValue)
        customKeyStoreID = r.customKeyStoreID
        cloudHsmClusterID = r.cloudHsmClusterID
        xksKeyID = r.xksKeyID
        stateBeforeUnavailable = r.stateBeforeUnavailable?.rawValue
    }

    /// nil for a document this version cannot read (a newer format, or a value it does not know).
    func record(_ identity: KeyIdentity, revision: Int) -> KeyRecord? {
        guard format == 1 || format == 2, let spec = KeySpec(rawValue: spec), let usage = KeyUsage(rawValue: usage),
            let origin = KeyOrigin(rawValue: origin), let manager = KeyManager(rawValue: manager),
            let state = KeyState(rawValue: state)
        else { return nil }
        return KeyRecord(
            identity: identity, revision: revision, description: description, spec: spec, usage: usage, origin: origin,
            manager: manager, state: state, creationDate: Date(timeIntervalSince1970: creationDate),
            deletionDate: deletionDate.map(Date.init(timeIntervalSince1970:)), pendingWindowInDays: pendingWindowInDays,
            materials: materials.map {
                SealedMaterial(
                    version: $0.version, materialID: $0.materialID, sealed: $0.sealed,
                    createdAt: Date(timeIntervalSince1970: $0.createdAt), rotationType: $0.rotationType,
                    // Documents written before materials carried their own expiry: the key's applied to each.
                    validTo: ($0.validTo ?? (format == 1 ? materialValidTo : nil)).map(Date.init(timeIntervalSince1970:)),
                    materialDescription: $0.description)
            },
            currentVersion: currentVersion, tags: tags, multiRegion: multiRegion, policy: policy,
            grants: grants.map {
                Grant(
                    grantID: $0.grantID, token: $0.token, name: $0.name, granteePrincipal: $0.granteePrincipal,
                    retiringPrincipal: $0.retiringPrincipal, issuingPrincipal: $0.issuingPrincipal,
                    operations: $0.operations, contextSubset: $0.contextSubset, contextEquals: $0.contextEquals,
                    creationDate: Date(timeIntervalSince1970: $0.creationDate))
            },
            rotationPeriodDays: rotationPeriodDays, nextRotationDate: nextRotationDate.map(Date.init(timeIntervalSince1970:)),
            materialValidTo: materialValidTo.map(Date.init(timeIntervalSince1970:)), importFingerprint: importFingerprint,
            primaryRegion: primaryRegion.flatMap(Region.init), replicaRegions: replicaRegions.compactMap(Region.init),
            customKeyStoreID: customKeyStoreID, cloudHsmClusterID: cloudHsmClusterID, xksKeyID: xksKeyID,
            stateBeforeUnavailable: stateBeforeUnavailable.flatMap(KeyState.init(rawValue:)))
    }
}
