import Foundation
import Logging
import Synchronization
import TrentCore
import TrentCrypto

/// The service: storage, the root-key sealer, the clock, and the cache of unsealed key material.
public final class KMS: Sendable {
    public let store: CachedKeyStore
    public let sealer: RootKeySealer
    public let clock: TrentClock
    public let logger: Logger
    /// The trust anchor for Nitro Enclaves attestation documents (`Recipient`): DER, AWS's root unless configured.
    public let attestationRoot: Data
    /// Request quotas (`--quotas`), nil when off.
    public let quotas: RequestQuotas?
    /// Fault rules (development mode): injected errors and latency.
    public let faults = FaultRules()
    /// The HSM clusters AWS_CLOUDHSM key stores may use (`--cloudhsm-clusters`), and this node's logged-in
    /// connections to them by store.
    public let clusters: (any HSMClusters)?
    let connections = Mutex<[String: any HSMConnection]>([:])
    /// How Trent calls XKS proxies (`--xks-client`), and the endpoints of the external key stores connected here.
    public let xks: (any XKSTransport)?
    let xksEndpoints = Mutex<[String: XKSEndpoint]>([:])
    /// Bounded by entries and bytes, least recently used out first: with more keys in use than fit, a key's
    /// material is unsealed (or its private key parsed) again on its next use, never lost.
    private let unsealed = Mutex(LRUCache<String, SecretBytes>(maxEntries: 20_000, maxCost: 4 << 20))
    private let parsedKeys = Mutex(LRUCache<String, AsymmetricPrivateKey>(maxEntries: 10_000, maxCost: 12 << 20))
    private let parsedPolicies = Mutex(LRUCache<String, PolicyDocument>(maxEntries: 2_000, maxCost: 8 << 20))
    /// Each key's latest use since the last flush to storage (GetKeyLastUsage), off the hot path's storage.
    private let pendingUsage = Mutex<[KeyIdentity: KeyLastUsage]>([:])

    public init(
        store: any KeyStore, sealer: RootKeySealer, clock: TrentClock = TrentClock(), logger: Logger,
        attestationRoot: Data = NitroAttestation.awsRoot, quotas: RequestQuotas? = nil, clusters: (any HSMClusters)? = nil,
        xks: (any XKSTransport)? = nil
    ) {
        self.clusters = clusters
        self.xks = xks
        self.attestationRoot = attestationRoot
        self.quotas = quotas
        self.store = (store as? CachedKeyStore) ?? CachedKeyStore(store)
        self.sealer = sealer
        self.clock = clock
        self.logger = logger
    }

    /// The root-key binding of one material version: the key's ARN and the material id.
    static func sealingIdentity(_ identity: KeyIdentity, materialID: String) -> String {
        "\(identity.arn)#\(materialID)"
    }

    /// Creates a new sealed material version for a key: a random id, or for imported material its derived id.
    func newMaterial(
        for identity: KeyIdentity, version: UInt32, bytes: SecretBytes, at date: Date, rotationType: String? = nil,
        materialID: String? = nil
    ) throws -> SealedMaterial {
        let materialID = materialID ?? Hex.encode(SecureRandom.bytes(32))
        let sealed = try sealer.seal(bytes, boundTo: Self.sealingIdentity(identity, materialID: materialID))
        return SealedMaterial(
            version: version, materialID: materialID, sealed: sealed, createdAt: date, rotationType: rotationType)
    }

    /// The KeyMaterialId of imported material: derived from the key id and the material, as AWS derives it, so
    /// importing the same material again gives the same id, whatever the root key. A SHA-256 over 256-bit material
    /// under a domain label, the usual key check value: it identifies the material without revealing it.
    static func importedMaterialID(_ material: SecretBytes, of identity: KeyIdentity) -> String {
        Hex.encode(material.checkValue(label: "trent imported key material id v1\u{0}\(identity.id)\u{0}"))
    }

    /// The clear material of a version, unsealed once and then served from memory (never logged, never stored).
    func material(_ material: SealedMaterial, of identity: KeyIdentity) throws(KMSError) -> SecretBytes {
        if let hit = unsealed.withLock({ $0.get(material.materialID) }) { return hit }
        do {
            let clear = try sealer.open(material.sealed, boundTo: Self.sealingIdentity(identity, materialID: material.materialID))
            unsealed.withLock { $0.set(material.materialID, clear, cost: 96 + clear.count) }
            return clear
        } catch {
            logger.error("key material of \(identity) does not open under the root key")
            throw KMSError.internalError()
        }
    }

    /// The parsed private key of an asymmetric material version, parsed once and then served from memory.
    func privateKey(_ material: SealedMaterial, of identity: KeyIdentity, type: AsymmetricKeyType) throws -> AsymmetricPrivateKey
    {
        if let hit = parsedKeys.withLock({ $0.get(material.materialID) }) { return hit }
        let clear = try self.material(material, of: identity)
        let key: AsymmetricPrivateKey
        do {
            key = try AsymmetricPrivateKey(type: type, encoded: clear)
        } catch {
            logger.error("stored private key of \(identity) does not parse")
            throw KMSError.internalError()
        }
        // The parsed form (OpenSSL or swift-crypto objects) is a few times the encoded key's size.
        parsedKeys.withLock { $0.set(material.materialID, key, cost: 512 + 4 * clear.count) }
        return key
    }

    /// A stored policy document, parsed once per distinct text.
    func policy(_ text: String, requirePrincipal: Bool) throws(KMSError) -> PolicyDocument {
        let cacheKey = (requirePrincipal ? "k:" : "i:") + text
        if let hit = parsedPolicies.withLock({ $0.get(cacheKey) }) { return hit }
        let parsed = try PolicyDocument(parsing: text, requirePrincipal: requirePrincipal)
        parsedPolicies.withLock { $0.set(cacheKey, parsed, cost: 1024 + 4 * text.utf8.count) }
        return parsed
    }

    /// Development mode's reset: every key, alias and grant of every account and Region, and every cache.
    public func reset() async throws {
        try await store.deleteEverything()
        unsealed.withLock { $0.removeAll() }
        parsedKeys.withLock { $0.removeAll() }
    }

    /// Forgets unsealed material (after a key is deleted, or on reset).
    func forgetMaterial(_ ids: [String]) {
        unsealed.withLock { cache in for id in ids { cache.remove(id) } }
        parsedKeys.withLock { cache in for id in ids { cache.remove(id) } }
    }

    // MARK: Key usage

    /// Notes a successful cryptographic operation with these keys; `flushUsage` writes it to storage.
    func noteUsage(of keys: [KeyIdentity], _ usage: KeyLastUsage) {
        guard !keys.isEmpty else { return }
        pendingUsage.withLock { pending in
            for key in keys { pending[key] = KeyLastUsage.latest(pending[key], usage) }
        }
    }

    /// A key's latest use: the stored one, or a later one noted here and not yet flushed.
    func lastUsage(of identity: KeyIdentity) async throws -> KeyLastUsage? {
        let pending = pendingUsage.withLock { $0[identity] }
        return KeyLastUsage.latest(try await store.lastUsage(of: identity), pending)
    }

    /// Writes the noted usage to storage; what fails to write is kept for the next flush.
    public func flushUsage() async throws {
        let batch = pendingUsage.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
        guard !batch.isEmpty else { return }
        do {
            try await store.recordUsage(batch)
        } catch {
            pendingUsage.withLock { pending in
                for (key, usage) in batch { pending[key] = KeyLastUsage.latest(pending[key], usage) }
            }
            throw error
        }
    }
}
