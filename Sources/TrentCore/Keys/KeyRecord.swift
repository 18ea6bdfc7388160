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
    /// AWS's KeyMaterialId: 64 lowercase hex digits.
    public let materialID: String
    /// Root-key-sealed bytes (nonce, ciphertext, tag); sealed anew only when the root key is rotated.
    public var sealed: Data
    public let createdAt: Date
    /// How this version came to be: nil for the key's first material, else AUTOMATIC or ON_DEMAND rotation.
    public let rotationType: String?

    public init(version: UInt32, materialID: String, sealed: Data, createdAt: Date, rotationType: String? = nil) {
        self.version = version
        self.materialID = materialID
        self.sealed = sealed
        self.createdAt = createdAt
        self.rotationType = rotationType
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
    /// Imported key material: when it expires (nil: it does not), and its keyed fingerprint, kept after the
    /// material is deleted so that only the same material can be imported again.
    public var materialValidTo: Date?
    public var importFingerprint: Data?
    /// Multi-Region keys: the Region of the set's primary key (nil: this key, as for a key never replicated) and
    /// the Regions of the set's replica keys. Every member of the set holds both, so any one describes the set.
    public var primaryRegion: Region?
    public var replicaRegions: [Region]

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
        primaryRegion: Region? = nil, replicaRegions: [Region] = []
    ) {
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

    /// Imported material deleted or expired: the key has no material and waits for import again (a key pending
    /// deletion stays so).
    public mutating func dropImportedMaterial() {
        materials = []
        currentVersion = 0
        materialValidTo = nil
        if state != .pendingDeletion { state = .pendingImport }
    }

    /// Whether imported material has expired at `now` (the key is then pending import again).
    public func isMaterialExpired(at now: Date) -> Bool {
        origin == .external && !materials.isEmpty && (materialValidTo.map { $0 <= now } ?? false)
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
