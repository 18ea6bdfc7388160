import Foundation
import TrentCore
import TrentCrypto

enum CreateGrant: KMSOperation {
    static let action = KMSAction.createGrant

    struct Request: Decodable, Sendable {
        var KeyId: String
        var GranteePrincipal: String
        var RetiringPrincipal: String?
        var Operations: [String]
        var Constraints: WireGrantConstraints?
        var GrantTokens: [String]?
        var Name: String?
        var DryRun: Bool?
    }

    struct Response: Encodable, Sendable {
        var GrantToken: String
        var GrantId: String
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        // A grant that allows nothing is refused before anything is looked up, in the model's validation words.
        guard !request.Operations.isEmpty else {
            throw KMSError.validation(
                "1 validation error detected: Value '[]' at 'operations' failed to satisfy constraint: Member must have length greater than or equal to 1"
            )
        }
        var record = try await call.resolveKey(request.KeyId, for: action)
        let allowed = GrantRules.allowedOperations(record)
        let invalid = request.Operations.filter { !allowed.contains($0) }
        guard invalid.isEmpty else {
            throw KMSError.validation(
                "Grant operations \(invalid.joined(separator: ", ")) are not valid for \(record.arn), a \(record.spec.rawValue) key with key usage \(record.usage.rawValue)."
            )
        }
        if let constraints = request.Constraints,
            constraints.EncryptionContextSubset != nil || constraints.EncryptionContextEquals != nil
        {
            guard record.spec == .symmetricDefault else {
                throw KMSError.validation("Grant constraints are only supported for symmetric encryption KMS keys.")
            }
        }
        for principal in [request.GranteePrincipal] + (request.RetiringPrincipal.map { [$0] } ?? []) {
            guard PolicyDocument.isValidAWSPrincipal(principal) || principal.hasSuffix(".amazonaws.com") else {
                throw KMSError.validation("\(principal) is not a valid principal.")
            }
        }
        try call.finishDryRun(request.DryRun)
        let operations = Array(Set(request.Operations)).sorted()
        if let name = request.Name,
            let existing = record.grants.first(where: {
                $0.name == name && $0.granteePrincipal == request.GranteePrincipal
                    && $0.retiringPrincipal == request.RetiringPrincipal && $0.operations == operations
                    && $0.contextSubset == request.Constraints?.EncryptionContextSubset
                    && $0.contextEquals == request.Constraints?.EncryptionContextEquals
            })
        {
            return Response(GrantToken: existing.token, GrantId: existing.grantID)  // idempotent by Name
        }
        let grantID = Hex.encode(SecureRandom.bytes(32))
        let grant = Grant(
            grantID: grantID, token: GrantRules.newToken(for: record, grantID: grantID), name: request.Name,
            granteePrincipal: request.GranteePrincipal, retiringPrincipal: request.RetiringPrincipal,
            issuingPrincipal: call.caller.principal, operations: operations,
            contextSubset: request.Constraints?.EncryptionContextSubset,
            contextEquals: request.Constraints?.EncryptionContextEquals, creationDate: call.now)
        let revision = record.revision
        record.grants.append(grant)
        guard record.grants.count <= 50_000 else { throw KMSError(.limitExceeded, "The key has too many grants.") }
        try await call.store.commit(.key(.put(record, expectedRevision: revision)))
        return Response(GrantToken: grant.token, GrantId: grantID)
    }
}
