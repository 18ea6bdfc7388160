import Foundation
import TrentCore

enum RetireGrant: KMSOperation {
    static let action = KMSAction.retireGrant

    struct Request: Decodable, Sendable {
        var GrantToken: String?
        var KeyId: String?
        var GrantId: String?
        var DryRun: Bool?
    }

    static func perform(_ request: Request, _ call: Call) async throws -> NoResponse {
        let arn: KeyARN
        let grantID: String
        if let token = request.GrantToken {
            (arn, grantID) = try GrantRules.parse(token: token)
        } else if let keyID = request.KeyId, let id = request.GrantId {
            guard case .keyARN(let parsed) = try KeyReference.parse(keyID) else {
                throw KMSError.validation("KeyId must be a key ARN when GrantId identifies the grant to retire.")
            }
            (arn, grantID) = (parsed, id)
        } else {
            throw KMSError.validation("Specify a GrantToken, or both a KeyId and a GrantId.")
        }
        guard arn.identity.scope.region == call.scope.region,
            var record = try await call.store.key(arn.identity), !record.isDeleted(at: call.now),
            let grant = record.grants.first(where: { $0.grantID == grantID })
        else { throw KMSError.notFound("Grant \(grantID) does not exist on \(arn).") }
        if let token = request.GrantToken, token != grant.token { throw KMSError(.invalidGrantToken, "Invalid grant token.") }
        // The retiring principal, a grantee allowed to retire, or the key's account (as its policy allows).
        let byRetiree = grant.retiringPrincipal == call.caller.principal
        let byGrantee = grant.granteePrincipal == call.caller.principal && grant.operations.contains("RetireGrant")
        if !byRetiree && !byGrantee {
            try await call.authorize(action, key: record)
        }
        try call.finishDryRun(request.DryRun)
        let revision = record.revision
        record.grants.removeAll { $0.grantID == grantID }
        try await call.store.commit(.key(.put(record, expectedRevision: revision)))
        return NoResponse()
    }
}
