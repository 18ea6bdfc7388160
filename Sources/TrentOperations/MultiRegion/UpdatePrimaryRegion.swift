import Foundation
import TrentCore

/// Makes the replica in another Region the primary key of a multi-Region set; the former primary becomes a
/// replica. Every member of the set records the change in one commit.
enum UpdatePrimaryRegion: KMSOperation {
    static let action = KMSAction.updatePrimaryRegion

    struct Request: Decodable, Sendable {
        var KeyId: String
        var PrimaryRegion: String
    }

    static func perform(_ request: Request, _ call: Call) async throws -> NoResponse {
        let primary = try await call.resolveKey(request.KeyId, for: action)
        guard primary.multiRegion else {
            throw KMSError(.unsupportedOperation, "\(primary.arn) is not a multi-Region key.")
        }
        try call.requireNotReplica(primary)
        guard let region = Region(request.PrimaryRegion) else {
            throw KMSError.validation("The Region \(request.PrimaryRegion) is not valid.")
        }
        guard region != primary.identity.scope.region else {
            throw KMSError.validation("\(primary.arn) is already the primary key in \(region).")
        }
        guard primary.replicaRegions.contains(region) else {
            throw KMSError.notFound("Key '\(primary.peer(in: region).arn)' does not exist")
        }
        let replicas = primary.replicaRegions.filter { $0 != region } + [primary.identity.scope.region]
        var changes: [KeyChange] = []
        for var member in [primary] + (try await call.kms.peers(of: primary)) {
            let revision = member.revision
            member.primaryRegion = region
            member.replicaRegions = replicas.sorted()
            changes.append(.put(member, expectedRevision: revision))
        }
        try await call.store.commit(ChangeSet(keys: changes))
        return NoResponse()
    }
}
