import Foundation
import TrentCore
import TrentCrypto

extension Call {
    /// Authorizes the caller for `action` on a key (with `--auth sigv4`; development mode applies only the
    /// default key policy's rule that a key is used by its own account). `as` names the IAM action when it
    /// differs from the operation (ReEncrypt is kms:ReEncryptFrom on the source, kms:ReEncryptTo on the
    /// destination); `contextMember` names the request member holding the encryption context.
    func authorize(
        _ action: KMSAction, key record: KeyRecord, as iamAction: String? = nil, contextMember: String = "EncryptionContext"
    ) async throws {
        usedKeys.note(record.identity)
        if let quotas = kms.quotas, action.countsByKeyType {
            try quotas.admit(RequestQuotas.group(of: action.rawValue, key: record.spec), scope: record.identity.scope)
        }
        let name = iamAction ?? "kms:\(action.rawValue)"
        guard caller.authenticated else {
            if record.identity.scope.account != caller.account {
                throw accessDenied(name, record.arn.description, "because no resource-based policy allows the \(name) action")
            }
            return
        }
        var context = requestContext(action, contextMember: contextMember)
        context["kms:KeySpec"] = [record.spec.rawValue]
        context["kms:KeyUsage"] = [record.usage.rawValue]
        context["kms:KeyOrigin"] = [record.origin.rawValue]
        context["kms:MultiRegion"] = [record.multiRegion ? "true" : "false"]
        if record.multiRegion { context["kms:MultiRegionKeyType"] = [record.isMultiRegionPrimary ? "PRIMARY" : "REPLICA"] }
        for tag in record.tags { context["aws:ResourceTag/\(tag.key)"] = [tag.value] }
        let keyPolicy = try kms.policy(record.policy, requirePrincipal: true)
        let identity = try caller.identityPolicies.map { text throws(KMSError) in try kms.policy(text, requirePrincipal: false) }
        if Self.mentions(keyPolicy, identity, "kms:resourcealiases") {
            let aliases = try await store.aliases(in: record.identity.scope).filter { $0.targetKeyID == record.identity.id }
            context["kms:ResourceAliases"] = aliases.map(\.name.rawValue)
        }
        let request = AuthorizationRequest(
            action: name, resource: record.arn.description, principal: caller.principal,
            principalAccount: caller.account.rawValue, context: context)
        let decision = KeyAuthorization.decide(
            keyPolicy: keyPolicy, identityPolicies: identity, request: request, callerIsRoot: caller.principal.hasSuffix(":root"),
            grantAllows: grantAllows(name, record, contextMember: contextMember))
        if case .deny(let reason, let statement) = decision {
            throw accessDenied(name, record.arn.description, reason, statement: statement)
        }
    }

    /// Whether one of the key's grants lets the caller do this now (grants take effect at once in Trent, so a
    /// grant token adds nothing but is accepted).
    private func grantAllows(_ iamAction: String, _ record: KeyRecord, contextMember: String) -> Bool {
        let operation = String(iamAction.dropFirst("kms:".count))
        var context: [String: String]?
        if case .object(let members) = input, case .object(let pairs) = members[contextMember] {
            context = pairs.compactMapValues { if case .string(let v) = $0 { v } else { nil } }
        }
        let takesContext = record.spec == .symmetricDefault && GrantRules.contextOperations.contains(operation)
        return record.grants.contains {
            $0.allows(operation, principal: caller.principal, context: context, takesContext: takesContext)
        }
    }

    /// Operations on no key: identity policies decide, on resource `*`.
    /// `overrides`: condition keys that differ from what this request's own members say (ReplicateKey's implied
    /// CreateKey in another Region).
    func authorizeKeyless(_ action: KMSAction, overrides: [String: [String]] = [:]) async throws {
        guard caller.authenticated else { return }
        let name = "kms:\(action.rawValue)"
        let identity = try caller.identityPolicies.map { text throws(KMSError) in try kms.policy(text, requirePrincipal: false) }
        let request = AuthorizationRequest(
            action: name, resource: "*", principal: caller.principal, principalAccount: caller.account.rawValue,
            context: requestContext(action, contextMember: "EncryptionContext").merging(overrides) { $1 })
        let decision = KeyAuthorization.decide(
            keyPolicy: nil, identityPolicies: identity, request: request, callerIsRoot: caller.principal.hasSuffix(":root"))
        if case .deny(let reason, let statement) = decision { throw accessDenied(name, "*", reason, statement: statement) }
    }

    /// Alias operations also need the alias resource allowed by the caller's IAM policies.
    func authorizeAlias(_ action: KMSAction, _ alias: AliasARN) throws {
        guard caller.authenticated, !caller.principal.hasSuffix(":root") else { return }
        let name = "kms:\(action.rawValue)"
        let identity = try caller.identityPolicies.map { text throws(KMSError) in try kms.policy(text, requirePrincipal: false) }
        let request = AuthorizationRequest(
            action: name, resource: alias.description, principal: caller.principal,
            principalAccount: caller.account.rawValue, context: [:])
        if case .deny(let reason, let statement) = KeyAuthorization.decide(
            keyPolicy: nil, identityPolicies: identity, request: request, callerIsRoot: false)
        {
            throw accessDenied(name, alias.description, reason, statement: statement)
        }
    }

    func accessDenied(_ action: String, _ resource: String, _ reason: String, statement: String? = nil) -> KMSError {
        var error = KMSError(
            .accessDenied, "User: \(caller.principal) is not authorized to perform: \(action) on resource: \(resource) \(reason)")
        error.reason =
            "authorization of \(caller.principal) for \(action) on \(resource): refused \(reason)"
            + (statement.map { " (\($0))" } ?? "")
        return error
    }

    /// The condition keys a request carries, from its members.
    private func requestContext(_ action: KMSAction, contextMember: String) -> [String: [String]] {
        guard case .object(let members) = input else { return [:] }
        var context: [String: [String]] = [:]
        func string(_ name: String) -> String? {
            if case .string(let value) = members[name] { return value }
            return nil
        }
        if case .object(let pairs) = members[contextMember] {
            var keys: [String] = []
            for (key, value) in pairs {
                if case .string(let v) = value { context["kms:EncryptionContext:\(key)"] = [v] }
                keys.append(key)
            }
            context["kms:EncryptionContextKeys"] = keys
        }
        for (member, key) in [
            ("EncryptionAlgorithm", "kms:EncryptionAlgorithm"), ("SigningAlgorithm", "kms:SigningAlgorithm"),
            ("MacAlgorithm", "kms:MacAlgorithm"), ("KeyAgreementAlgorithm", "kms:KeyAgreementAlgorithm"),
            ("GranteePrincipal", "kms:GranteePrincipal"), ("RetiringPrincipal", "kms:RetiringPrincipal"),
            ("KeyPairSpec", "kms:DataKeyPairSpec"), ("MessageType", "kms:MessageType"),
            ("ReplicaRegion", "kms:ReplicaRegion"), ("PrimaryRegion", "kms:PrimaryRegion"),
        ] {
            if let value = string(member) { context[key] = [value] }
        }
        if action == .createKey {
            context["kms:KeySpec"] = [string("KeySpec") ?? string("CustomerMasterKeySpec") ?? "SYMMETRIC_DEFAULT"]
            context["kms:KeyUsage"] = [string("KeyUsage") ?? "ENCRYPT_DECRYPT"]
            context["kms:KeyOrigin"] = [string("Origin") ?? "AWS_KMS"]
            context["kms:MultiRegion"] = [members["MultiRegion"] == .bool(true) ? "true" : "false"]
        }
        if let keyID = string("KeyId"), keyID.hasPrefix("alias/") || keyID.contains(":alias/") {
            context["kms:RequestAlias"] = [
                keyID.hasPrefix("alias/") ? keyID : "alias/" + keyID.components(separatedBy: ":alias/").last!
            ]
        }
        if case .object(let recipient) = members["Recipient"], case .string(let text) = recipient["AttestationDocument"],
            let document = Data(base64Encoded: text), let claims = try? NitroAttestation.claims(of: document)
        {
            // The enclave's measurements (the operation then verifies the document, so a forged one fails anyway).
            for (index, value) in claims.pcrs { context["kms:RecipientAttestation:PCR\(index)"] = [Hex.encode(value)] }
            if let image = claims.pcrs[0] { context["kms:RecipientAttestation:ImageSha384"] = [Hex.encode(image)] }
        }
        if case .array(let operations) = members["Operations"] {
            context["kms:GrantOperations"] = operations.compactMap { if case .string(let v) = $0 { v } else { nil } }
        }
        var tagKeys: [String] = []
        if case .array(let tags) = members["Tags"] {
            for case .object(let tag) in tags {
                if case .string(let key) = tag["TagKey"], case .string(let value) = tag["TagValue"] {
                    context["aws:RequestTag/\(key)"] = [value]
                    tagKeys.append(key)
                }
            }
        }
        if case .array(let keys) = members["TagKeys"] {
            tagKeys += keys.compactMap { if case .string(let v) = $0 { v } else { nil } }
        }
        if !tagKeys.isEmpty { context["aws:TagKeys"] = tagKeys }
        // IAM's global keys that Trent knows. aws:SecureTransport is true when Trent itself serves TLS
        // (--tls-certificate); behind a proxy that terminates TLS, Trent sees plain HTTP and says false.
        context["aws:CurrentTime"] = [ISO8601.format(now)]
        context["aws:EpochTime"] = [String(Int(now.timeIntervalSince1970))]
        context["aws:RequestedRegion"] = [caller.region.rawValue]
        context["aws:SecureTransport"] = [caller.secureTransport ? "true" : "false"]
        if let ip = caller.sourceIP { context["aws:SourceIp"] = [ip] }
        if let agent = caller.userAgent { context["aws:UserAgent"] = [agent] }
        let resource = caller.principal.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).last ?? ""
        if resource == "root" {
            context["aws:PrincipalType"] = ["Account"]
        } else if resource.hasPrefix("user/") {
            context["aws:PrincipalType"] = ["User"]
            context["aws:username"] = [String(resource.split(separator: "/").last ?? "")]
        } else if resource.hasPrefix("assumed-role/") {
            context["aws:PrincipalType"] = ["AssumedRole"]
        }
        return context
    }

    private static func mentions(_ keyPolicy: PolicyDocument, _ identity: [PolicyDocument], _ key: String) -> Bool {
        ([keyPolicy] + identity).contains { $0.statements.contains { $0.conditions.contains { $0.key.lowercased() == key } } }
    }
}
