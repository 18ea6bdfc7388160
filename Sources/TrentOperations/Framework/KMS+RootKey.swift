import Foundation
import TrentCore
import TrentCrypto

/// The root key and the store belong together: a canary sealed under the root key the store's material is sealed
/// under proves, at every start, that this root key opens this store, and a rotation re-seals everything at once.
extension KMS {
    /// A start with a root key that does not open the store's material: serving would answer
    /// KMSInternalException for every old key and seal new keys under a second root key, splitting the store.
    public struct RootKeyMismatch: Error, CustomStringConvertible {
        public let description: String
    }

    static let canaryBinding = "trent:root-key-canary:v1"
    static let canaryText = SecretBytes(Data("Trent root key canary".utf8))

    /// Checks that the root key opens this store (by its canary, or, for a store from before canaries, by one stored
    /// material version) and writes the canary when the store has none yet. `source` names the root key in the
    /// message.
    public func verifyRootKey(source: String) async throws {
        func mismatch() -> RootKeyMismatch {
            RootKeyMismatch(
                description: """
                    the root key (\(source)) does not open this store: its key material was sealed under a different \
                    root key. Restore the root key the store was created with (DATA_DIR/root.key, --root-key-file or \
                    TRENT_ROOT_KEY), or rotate to a new one with `trent rekey` while the old one is at hand. Trent does \
                    not start with a root key that would split the store.
                    """)
        }
        if let canary = try await store.rootKeyCanary() {
            guard (try? sealer.open(canary, boundTo: Self.canaryBinding)) != nil else { throw mismatch() }
            return
        }
        if let (identity, material) = try await firstMaterial() {
            let binding = Self.sealingIdentity(identity, materialID: material.materialID)
            guard (try? sealer.open(material.sealed, boundTo: binding)) != nil else { throw mismatch() }
        }
        try await store.commit(ChangeSet(rootKeyCanary: try sealer.seal(Self.canaryText, boundTo: Self.canaryBinding)))
    }

    private func firstMaterial() async throws -> (KeyIdentity, SealedMaterial)? {
        for scope in try await store.scopes() {
            for key in try await store.keys(in: scope) {
                if let material = key.materials.first(where: \.isPresent) { return (key.identity, material) }
            }
        }
        return nil
    }

    /// Root key rotation: every material version of every key re-sealed under `newSealer`, the imported-material
    /// fingerprints of material imported before ids were derived from it recomputed, and the canary replaced, in
    /// one commit (all or nothing). Import tokens handed out before are sealed under the old root key and no longer
    /// open. Imported key material ids do not depend on the root key, so deleted imported material is still
    /// recognised when imported again; only such legacy material, deleted, loses its fingerprint.
    public func reseal(under newSealer: RootKeySealer) async throws -> (keys: Int, materials: Int) {
        try await verifyRootKey(source: "the current root key")
        var changes = ChangeSet(rootKeyCanary: try newSealer.seal(Self.canaryText, boundTo: Self.canaryBinding))
        var materials = 0
        for scope in try await store.scopes() {
            for var key in try await store.keys(in: scope) {
                var current: SecretBytes?
                for index in key.materials.indices where key.materials[index].isPresent {
                    let binding = Self.sealingIdentity(key.identity, materialID: key.materials[index].materialID)
                    let clear: SecretBytes
                    do {
                        clear = try sealer.open(key.materials[index].sealed, boundTo: binding)
                    } catch {
                        throw RootKeyMismatch(
                            description: "the material of \(key.identity) does not open under the current root key")
                    }
                    key.materials[index].sealed = try newSealer.seal(clear, boundTo: binding)
                    if key.materials[index].version == key.currentVersion { current = clear }
                    materials += 1
                }
                if key.importFingerprint != nil {
                    key.importFingerprint = try current.map { try newSealer.fingerprint($0, boundTo: key.arn.description) }
                }
                changes.keys.append(.put(key, expectedRevision: key.revision))
            }
            // Custom key store passwords are sealed under the root key too.
            for var record in try await store.customKeyStores(in: scope) {
                guard let sealed = record.sealedPassword else { continue }
                let binding = CustomKeyStores.passwordBinding(record)
                record.sealedPassword = try newSealer.seal(try sealer.open(sealed, boundTo: binding), boundTo: binding)
                changes.customKeyStores.append(.put(record, expectedRevision: record.revision))
            }
        }
        try await store.commit(changes)
        return (changes.keys.count, materials)
    }
}
