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
    private let unsealed = Mutex<[String: SecretBytes]>([:])
    private let parsedKeys = Mutex<[String: AsymmetricPrivateKey]>([:])
    private let parsedPolicies = Mutex<[String: PolicyDocument]>([:])
    /// Each key's latest use since the last flush to storage (GetKeyLastUsage), off the hot path's storage.
    private let pendingUsage = Mutex<[KeyIdentity: KeyLastUsage]>([:])

    public init(store: any KeyStore, sealer: RootKeySealer, clock: TrentClock = TrentClock(), logger: Logger) {
        self.store = (store as? CachedKeyStore) ?? CachedKeyStore(store)
        self.sealer = sealer
        self.clock = clock
        self.logger = logger
    }

    /// The root-key binding of one material version: the key's ARN and the material id.
    static func sealingIdentity(_ identity: KeyIdentity, materialID: String) -> String {
        "\(identity.arn)#\(materialID)"
    }

    /// Creates a new sealed material version for a key.
    func newMaterial(
        for identity: KeyIdentity, version: UInt32, bytes: SecretBytes, at date: Date, rotationType: String? = nil
    ) throws -> SealedMaterial {
        let materialID = Hex.encode(SecureRandom.bytes(32))
        let sealed = try sealer.seal(bytes, boundTo: Self.sealingIdentity(identity, materialID: materialID))
        return SealedMaterial(
            version: version, materialID: materialID, sealed: sealed, createdAt: date, rotationType: rotationType)
    }

    /// The clear material of a version, unsealed once and then served from memory (never logged, never stored).
    func material(_ material: SealedMaterial, of identity: KeyIdentity) throws(KMSError) -> SecretBytes {
        if let hit = unsealed.withLock({ $0[material.materialID] }) { return hit }
        do {
            let clear = try sealer.open(material.sealed, boundTo: Self.sealingIdentity(identity, materialID: material.materialID))
            unsealed.withLock { cache in
                if cache.count > 100_000 { cache.removeAll() }
                cache[material.materialID] = clear
            }
            return clear
        } catch {
            logger.error("key material of \(identity) does not open under the root key")
            throw KMSError.internalError()
        }
    }

    /// The parsed private key of an asymmetric material version, parsed once and then served from memory.
    func privateKey(_ material: SealedMaterial, of identity: KeyIdentity, type: AsymmetricKeyType) throws -> AsymmetricPrivateKey
    {
        if let hit = parsedKeys.withLock({ $0[material.materialID] }) { return hit }
        let clear = try self.material(material, of: identity)
        let key: AsymmetricPrivateKey
        do {
            key = try AsymmetricPrivateKey(type: type, encoded: clear)
        } catch {
            logger.error("stored private key of \(identity) does not parse")
            throw KMSError.internalError()
        }
        parsedKeys.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[material.materialID] = key
        }
        return key
    }

    /// A stored policy document, parsed once per distinct text.
    func policy(_ text: String, requirePrincipal: Bool) throws(KMSError) -> PolicyDocument {
        let cacheKey = (requirePrincipal ? "k:" : "i:") + text
        if let hit = parsedPolicies.withLock({ $0[cacheKey] }) { return hit }
        let parsed = try PolicyDocument(parsing: text, requirePrincipal: requirePrincipal)
        parsedPolicies.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[cacheKey] = parsed
        }
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
        unsealed.withLock { cache in for id in ids { cache[id] = nil } }
        parsedKeys.withLock { cache in for id in ids { cache[id] = nil } }
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
