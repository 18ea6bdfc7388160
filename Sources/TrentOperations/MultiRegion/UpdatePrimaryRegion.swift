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
        let (primary, region) = try await call.multiRegionPrimary(request.KeyId, for: action, otherRegion: request.PrimaryRegion)
        guard primary.replicaRegions.contains(region) else {
            throw KMSError.notFound("Key '\(primary.peer(in: region).arn)' does not exist")
        }
        let replicas = primary.replicaRegions.filter { $0 != region } + [primary.identity.scope.region]
        let changes = try await call.kms.reshapeSet(of: primary, primaryRegion: region, replicaRegions: replicas)
        try await call.store.commit(ChangeSet(keys: changes))
        return NoResponse()
    }
}
