import Foundation
import TrentCore

/// Multi-Region keys: a primary key and its replicas in other Regions of the same account share the key id, the
/// key material, the key spec, usage and origin, and automatic rotation. Every member records the whole set
/// (`primaryRegion`, `replicaRegions`), so a change to the set is one change set over all its members.
extension KMS {
    /// The members of a key's set other than the key itself, as stored now (missing ones are skipped).
    func peers(of record: KeyRecord) async throws -> [KeyRecord] {
        guard record.multiRegion else { return [] }
        let regions = [record.primaryRegion ?? record.identity.scope.region] + record.replicaRegions
        var peers: [KeyRecord] = []
        for region in regions where region != record.identity.scope.region {
            if let peer = try await store.key(record.peer(in: region)) { peers.append(peer) }
        }
        return peers
    }

    /// Puts that record a set's new shape (its primary's Region, its replicas' Regions) on every stored member.
    func reshapeSet(of member: KeyRecord, primaryRegion: Region, replicaRegions: [Region]) async throws -> [KeyChange] {
        var changes: [KeyChange] = []
        for var record in [member] + (try await peers(of: member)) {
            let revision = record.revision
            record.primaryRegion = primaryRegion
            record.replicaRegions = replicaRegions.sorted()
            changes.append(.put(record, expectedRevision: revision))
        }
        return changes
    }

    /// A material version sealed anew for another member of the set: same version, id and bytes.
    func reseal(_ material: SealedMaterial, from source: KeyIdentity, to target: KeyIdentity) throws -> SealedMaterial {
        guard material.isPresent else { return material }  // deleted imported material: nothing to seal
        let clear = try self.material(material, of: source)
        var copy = material
        copy.sealed = try sealer.seal(clear, boundTo: Self.sealingIdentity(target, materialID: material.materialID))
        return copy
    }

    /// When a member of a set is deleted, the others forget it; a primary waiting in PendingReplicaDeletion for its
    /// last replica starts its own waiting period.
    func setWithout(_ deleted: KeyRecord) async throws -> [KeyChange] {
        guard deleted.multiRegion else { return [] }
        let now = clock.now()
        var changes: [KeyChange] = []
        for var peer in try await peers(of: deleted) {
            let revision = peer.revision
            peer.replicaRegions.removeAll { $0 == deleted.identity.scope.region }
            if peer.state == .pendingReplicaDeletion && peer.replicaRegions.isEmpty {
                peer.state = .pendingDeletion
                peer.deletionDate = now.addingTimeInterval(TimeInterval(peer.pendingWindowInDays ?? 30) * 86_400)
            }
            changes.append(.put(peer, expectedRevision: revision))
        }
        return changes
    }

    /// Commits a change to a key's shared properties (key material, automatic rotation): a multi-Region primary
    /// carries it to its replicas in the same commit.
    func commitShared(_ record: KeyRecord, expectedRevision: Int) async throws {
        let replicas = try await replicaUpdates(for: record)
        try await store.commit(ChangeSet(keys: [.put(record, expectedRevision: expectedRevision)] + replicas))
    }

    /// The changes that carry a primary key's shared properties to its replicas.
    private func replicaUpdates(for primary: KeyRecord) async throws -> [KeyChange] {
        guard primary.isMultiRegionPrimary else { return [] }
        var changes: [KeyChange] = []
        for var replica in try await peers(of: primary) {
            let revision = replica.revision
            let known = Set(replica.materials.map(\.version))
            let shared = Set(primary.materials.map(\.version))
            for material in primary.materials where !known.contains(material.version) {
                // Imported material reaches a replica only by importing it there (AWS's rule): the replica learns
                // its id and waits for it (PENDING_IMPORT).
                replica.materials.append(
                    primary.origin == .external
                        ? material.withoutMaterial() : try reseal(material, from: primary.identity, to: replica.identity))
            }
            for index in replica.materials.indices {
                if let source = primary.material(version: replica.materials[index].version) {
                    replica.materials[index].rotationType = source.rotationType
                    replica.materials[index].createdAt = source.createdAt
                }
            }
            // New imported material withdrawn from the primary is withdrawn from its replicas too.
            replica.materials.removeAll { $0.version > primary.currentVersion && !shared.contains($0.version) }
            replica.currentVersion = primary.currentVersion
            replica.rotationPeriodDays = primary.rotationPeriodDays
            replica.nextRotationDate = primary.nextRotationDate
            changes.append(.put(replica, expectedRevision: revision))
        }
        return changes
    }
}

extension Call {
    /// The primary key of a multi-Region set named by `keyID`, and another Region of it named by `region` (for
    /// ReplicateKey and UpdatePrimaryRegion).
    func multiRegionPrimary(_ keyID: String, for action: KMSAction, otherRegion region: String) async throws -> (
        KeyRecord, Region
    ) {
        let primary = try await resolveKey(keyID, for: action)
        guard primary.multiRegion else {
            throw KMSError(.unsupportedOperation, "\(primary.arn) is not a multi-Region key.")
        }
        try requireNotReplica(primary)
        guard let other = Region(region) else { throw KMSError.validation("The Region \(region) is not valid.") }
        guard other != primary.identity.scope.region else {
            throw KMSError.validation("\(primary.arn) is the primary key in \(other); name another Region.")
        }
        return (primary, other)
    }

    /// Rotation belongs to the primary key of a multi-Region set; its replicas follow.
    func requireNotReplica(_ record: KeyRecord) throws(KMSError) {
        guard record.multiRegion, !record.isMultiRegionPrimary else { return }
        let primary = record.peer(in: record.primaryRegion ?? record.identity.scope.region)
        throw KMSError(
            .unsupportedOperation,
            "\(record.arn) is a multi-Region replica key. Use its primary key \(primary.arn) for this operation.")
    }
}
