import Foundation
import TrentCore

/// Creates a replica of a multi-Region primary key in another Region of the same account: same key id, key
/// material (sealed anew under the replica's ARN), spec, usage, origin and rotation; its own policy, tags,
/// description, aliases and state. The replica is usable at once (AWS shows it as Creating for a few seconds).
enum ReplicateKey: KMSOperation {
    static let action = KMSAction.replicateKey

    struct Request: Decodable, Sendable {
        var KeyId: String
        var ReplicaRegion: String
        var Policy: String?
        var BypassPolicyLockoutSafetyCheck: Bool?
        var Description: String?
        var Tags: [WireTag]?
    }

    struct Response: Encodable, Sendable {
        var ReplicaKeyMetadata: KeyMetadata
        var ReplicaPolicy: String
        var ReplicaTags: [WireTag]
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let (primary, region) = try await call.multiRegionPrimary(request.KeyId, for: action, otherRegion: request.ReplicaRegion)
        // As in AWS, the caller's IAM policies must also allow kms:CreateKey in the replica's Region.
        try await call.authorizeKeyless(
            .createKey,
            overrides: [
                "aws:RequestedRegion": [region.rawValue], "kms:KeySpec": [primary.spec.rawValue],
                "kms:KeyUsage": [primary.usage.rawValue], "kms:KeyOrigin": [primary.origin.rawValue], "kms:MultiRegion": ["true"],
            ])
        let identity = primary.peer(in: region)
        guard !primary.replicaRegions.contains(region), try await call.store.key(identity) == nil else {
            throw KMSError(.alreadyExists, "Replica key \(identity.arn) already exists.")
        }
        if let policy = request.Policy {
            try call.checkNewKeyPolicy(policy, for: identity.arn, bypass: request.BypassPolicyLockoutSafetyCheck ?? false)
        }
        let tags = try TagRules.validate(request.Tags ?? [], existing: [])

        let regions = (primary.replicaRegions + [region]).sorted()
        var replica = KeyRecord(
            identity: identity, description: request.Description ?? "", spec: primary.spec, usage: primary.usage,
            // A replica of an imported key gets no material: the same material is imported into it (AWS's rule).
            origin: primary.origin, manager: .customer, state: primary.origin == .external ? .pendingImport : .enabled,
            creationDate: call.now,
            materials: try primary.materials.map {
                primary.origin == .external
                    ? $0.withoutMaterial() : try call.kms.reseal($0, from: primary.identity, to: identity)
            },
            currentVersion: primary.currentVersion, tags: tags, multiRegion: true,
            policy: request.Policy ?? KeyPolicy.customerDefault(account: identity.scope.account),
            rotationPeriodDays: primary.rotationPeriodDays, nextRotationDate: primary.nextRotationDate,
            primaryRegion: primary.identity.scope.region, replicaRegions: regions)
        let reshaped = try await call.kms.reshapeSet(
            of: primary, primaryRegion: primary.identity.scope.region, replicaRegions: regions)
        try await call.store.commit(ChangeSet(keys: [.put(replica, expectedRevision: nil)] + reshaped))
        replica.revision = 1
        return Response(
            ReplicaKeyMetadata: KeyMetadata(replica), ReplicaPolicy: replica.policy,
            ReplicaTags: tags.map { WireTag(TagKey: $0.key, TagValue: $0.value) })
    }
}
