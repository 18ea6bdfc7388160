import Foundation
import TrentCore

enum PutKeyPolicy: KMSOperation {
    static let action = KMSAction.putKeyPolicy

    struct Request: Decodable, Sendable {
        var KeyId: String
        var PolicyName: String?
        var Policy: String
        var BypassPolicyLockoutSafetyCheck: Bool?
    }

    static func perform(_ request: Request, _ call: Call) async throws -> NoResponse {
        var record = try await call.resolveKey(request.KeyId, for: action)
        try call.requireCustomerManaged(record, for: action)
        guard (request.PolicyName ?? "default") == "default" else {
            throw KMSError.notFound("No such policy exists")
        }
        try call.checkNewKeyPolicy(request.Policy, for: record.arn, bypass: request.BypassPolicyLockoutSafetyCheck ?? false)
        let revision = record.revision
        record.policy = request.Policy
        try await call.store.commit(.key(.put(record, expectedRevision: revision)))
        return NoResponse()
    }
}

extension Call {
    /// The policy grammar, then AWS's lockout safety check: the principal setting a key policy must still be
    /// allowed to change it afterwards, unless it bypasses the check.
    func checkNewKeyPolicy(_ text: String, for arn: KeyARN, bypass: Bool) throws(KMSError) {
        let policy = try PolicyDocument(parsing: text, requirePrincipal: true)
        guard !bypass else { return }
        let identity = try caller.identityPolicies.map { text throws(KMSError) in try kms.policy(text, requirePrincipal: false) }
        let request = AuthorizationRequest(
            action: "kms:PutKeyPolicy", resource: arn.description, principal: caller.principal,
            principalAccount: caller.account.rawValue, context: [:])
        let decision = KeyAuthorization.decide(
            keyPolicy: policy, identityPolicies: identity, request: request, callerIsRoot: caller.principal.hasSuffix(":root"))
        guard decision == .allow else {
            throw KMSError(
                .malformedPolicyDocument,
                "The new key policy will not allow you to update the key policy in the future.")
        }
    }
}
