import Foundation

public struct Tag: Sendable, Hashable, Codable {
    public var key: String
    public var value: String
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// One version of a key's material, sealed under the root key. Never held in clear in a record.
public struct SealedMaterial: Sendable, Hashable {
    /// 1, 2, 3 …: recorded in every ciphertext made with this material.
    public let version: UInt32
    /// AWS's KeyMaterialId: 64 lowercase hex digits (for imported material, derived from the key and the material,
    /// so the same material imported again has the same id).
    public let materialID: String
    /// Root-key-sealed bytes (nonce, ciphertext, tag); sealed anew only when the root key is rotated. Empty for
    /// imported material that was deleted or expired: the id stays, waiting for the same material (PENDING_IMPORT).
    public var sealed: Data
    /// When the material was made, or for imported material that waited for a rotation, when it became current.
    public var createdAt: Date
    /// How this version came to be: nil for the key's first material (and imported material waiting to become
    /// current), else AUTOMATIC or ON_DEMAND rotation.
    public var rotationType: String?
    /// Imported material: when it expires (nil: it does not) and the description given at import.
    public var validTo: Date?
    public var materialDescription: String?

    public init(
        version: UInt32, materialID: String, sealed: Data, createdAt: Date, rotationType: String? = nil,
        validTo: Date? = nil, materialDescription: String? = nil
    ) {
        self.version = version
        self.materialID = materialID
        self.sealed = sealed
        self.createdAt = createdAt
        self.rotationType = rotationType
        self.validTo = validTo
        self.materialDescription = materialDescription
    }

    /// Whether the material is held (ImportState IMPORTED); false once imported material is deleted or expired.
    public var isPresent: Bool { !sealed.isEmpty }

    /// Held imported material whose ValidTo has passed at `now`.
    public func hasExpired(at now: Date) -> Bool { isPresent && (validTo.map { $0 <= now } ?? false) }

    /// The same version without its material: deleted or expired imported material keeps its id and place.
    public func withoutMaterial() -> SealedMaterial {
        var copy = self
        copy.sealed = Data()
        copy.validTo = nil
        return copy
    }
}

/// The domain record of a KMS key. Neither a wire shape nor a database row.
public struct KeyRecord: Sendable, Hashable {
    public let identity: KeyIdentity
    /// Incremented by every committed change; the store refuses a stale one.
    public var revision: Int
    public var description: String
    public var spec: KeySpec
    public var usage: KeyUsage
    public var origin: KeyOrigin
    public var manager: KeyManager
    public var state: KeyState
    public let creationDate: Date
    public var deletionDate: Date?
    public var pendingWindowInDays: Int?
    public var materials: [SealedMaterial]
    public var currentVersion: UInt32
    public var tags: [Tag]
    public var multiRegion: Bool
    /// The key policy document, as GetKeyPolicy returns it.
    public var policy: String
    public var grants: [Grant]
    /// Automatic rotation: the period when enabled (nil when disabled) and the date of the next rotation.
    public var rotationPeriodDays: Int?
    public var nextRotationDate: Date?
    /// Imported key material: the earliest ValidTo of the materials held (nil: none expires; kept by
    /// `refreshMaterialValidTo` so stores can index it), and, for material imported before key material ids were
    /// derived from the material, its root-keyed fingerprint (so only the same material can be imported again).
    public var materialValidTo: Date?
    public var importFingerprint: Data?
    /// Multi-Region keys: the Region of the set's primary key (nil: this key, as for a key never replicated) and
    /// the Regions of the set's replica keys. Every member of the set holds both, so any one describes the set.
    public var primaryRegion: Region?
    public var replicaRegions: [Region]
    /// Keys in a custom key store: the store, and (AWS_CLOUDHSM) its cluster. Their material lives there, as a
    /// token key labelled with the key's ARN; the record holds none.
    public var customKeyStoreID: String?
    public var cloudHsmClusterID: String?
    /// EXTERNAL_KEY_STORE keys: the external key's id at the proxy.
    public var xksKeyID: String?
    /// While its custom key store is disconnected a key is Unavailable; this is the state it returns to.
    public var stateBeforeUnavailable: KeyState?

    /// A multi-Region key that is its set's primary (the one that can be replicated and rotated).
    public var isMultiRegionPrimary: Bool {
        multiRegion && (primaryRegion ?? identity.scope.region) == identity.scope.region
    }

    /// The same key id in another Region of the same account: a member of this key's multi-Region set.
    public func peer(in region: Region) -> KeyIdentity {
        KeyIdentity(scope: Scope(account: identity.scope.account, region: region), id: identity.id)
    }

    public init(
        identity: KeyIdentity, revision: Int = 0, description: String, spec: KeySpec, usage: KeyUsage,
        origin: KeyOrigin, manager: KeyManager, state: KeyState, creationDate: Date, deletionDate: Date? = nil,
        pendingWindowInDays: Int? = nil, materials: [SealedMaterial], currentVersion: UInt32, tags: [Tag] = [],
        multiRegion: Bool = false, policy: String, grants: [Grant] = [], rotationPeriodDays: Int? = nil,
        nextRotationDate: Date? = nil, materialValidTo: Date? = nil, importFingerprint: Data? = nil,
        primaryRegion: Region? = nil, replicaRegions: [Region] = [], customKeyStoreID: String? = nil,
        cloudHsmClusterID: String? = nil, xksKeyID: String? = nil, stateBeforeUnavailable: KeyState? = nil
    ) {
        self.xksKeyID = xksKeyID
        self.stateBeforeUnavailable = stateBeforeUnavailable
        self.customKeyStoreID = customKeyStoreID
        self.cloudHsmClusterID = cloudHsmClusterID
        self.identity = identity
        self.revision = revision
        self.description = description
        self.spec = spec
        self.usage = usage
        self.origin = origin
        self.manager = manager
        self.state = state
        self.creationDate = creationDate
        self.deletionDate = deletionDate
        self.pendingWindowInDays = pendingWindowInDays
        self.materials = materials
        self.currentVersion = currentVersion
        self.tags = tags
        self.multiRegion = multiRegion
        self.policy = policy
        self.grants = grants
        self.rotationPeriodDays = rotationPeriodDays
        self.nextRotationDate = nextRotationDate
        self.materialValidTo = materialValidTo
        self.importFingerprint = importFingerprint
        self.primaryRegion = primaryRegion
        self.replicaRegions = replicaRegions
    }

    /// AWS's KeyMaterialState of one of the key's materials: CURRENT, NON_CURRENT, or PENDING_ROTATION for imported
    /// material waiting for RotateKeyOnDemand.
    public func materialState(of material: SealedMaterial) -> String {
        material.version == currentVersion ? "CURRENT" : material.version > currentVersion ? "PENDING_ROTATION" : "NON_CURRENT"
    }

    /// Imported material that waits for RotateKeyOnDemand to make it current (KeyMaterialState PENDING_ROTATION).
    public var pendingMaterial: SealedMaterial? { materials.first { $0.version > currentVersion } }

    /// Removes imported material: one waiting for rotation goes entirely (it was never associated with the key);
    /// any other keeps its id and place without its bytes, and when it was the current one the key waits for
    /// import again (a key pending deletion stays so).
    public mutating func removeImportedMaterial(version: UInt32) {
        guard let index = materials.firstIndex(where: { $0.version == version }) else { return }
        if version > currentVersion {
            materials.remove(at: index)
        } else {
            materials[index] = materials[index].withoutMaterial()
        }
        if currentMaterial?.isPresent != true && state != .pendingDeletion { state = .pendingImport }
        refreshMaterialValidTo()
    }

    /// Removes every imported material whose ValidTo has passed at `now`.
    public mutating func expireImportedMaterial(at now: Date) {
        for material in materials where material.hasExpired(at: now) {
            removeImportedMaterial(version: material.version)
        }
    }

    /// Keeps `materialValidTo` (what the stores index to find expiring material) the earliest ValidTo held.
    public mutating func refreshMaterialValidTo() {
        materialValidTo = materials.filter(\.isPresent).compactMap(\.validTo).min()
    }

    /// Whether some imported material has expired at `now` (it is then treated as deleted).
    public func isMaterialExpired(at now: Date) -> Bool {
        origin == .external && materials.contains { $0.hasExpired(at: now) }
    }

    /// Whether automatic rotation is due at `now`.
    public func isRotationDue(at now: Date) -> Bool {
        state == .enabled && rotationPeriodDays != nil && (nextRotationDate.map { $0 <= now } ?? false)
    }

    public var arn: KeyARN { identity.arn }
    public var family: KeyFamily { spec.capabilities.family }
    public var currentMaterial: SealedMaterial? { materials.first { $0.version == currentVersion } }
    public func material(version: UInt32) -> SealedMaterial? { materials.first { $0.version == version } }

    /// A key whose waiting period has passed is gone, even before the sweeper removes it.
    public func isDeleted(at now: Date) -> Bool {
        state == .pendingDeletion && (deletionDate.map { $0 <= now } ?? false)
    }
}

extension KeyRecord {
    /// About how many bytes the record holds in memory, for the caches' byte bounds.
    public var estimatedSize: Int {
        var size = 512 + description.utf8.count + policy.utf8.count
        for material in materials { size += 160 + material.sealed.count }
        for tag in tags { size += 64 + tag.key.utf8.count + tag.value.utf8.count }
        size += grants.count * 512
        return size
    }
}
