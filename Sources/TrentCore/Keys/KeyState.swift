/// The eight key states of AWS KMS. `Enabled` in DescribeKey is derived from this, never stored twice.
public enum KeyState: String, Sendable, CaseIterable, Codable {
    case creating = "Creating"
    case enabled = "Enabled"
    case disabled = "Disabled"
    case pendingDeletion = "PendingDeletion"
    case pendingImport = "PendingImport"
    case pendingReplicaDeletion = "PendingReplicaDeletion"
    case unavailable = "Unavailable"
    case updating = "Updating"

    public var isEnabled: Bool { self == .enabled }

    /// What this state does to an action: nil when the action is permitted, else the error AWS answers.
    /// This is the one table of AWS's "Key states of AWS KMS keys" page.
    public func refusal(of action: KMSAction, arn: KeyARN) -> KMSError? {
        guard var refusal = rule(for: action, arn: arn) else { return nil }
        refusal.reason = "the key's state \(rawValue) does not allow \(action.rawValue) (AWS's key state table)"
        return refusal
    }

    private func rule(for action: KMSAction, arn: KeyARN) -> KMSError? {
        switch self {
        case .enabled:
            return nil
        case .disabled:
            switch action {
            case _ where action.isCryptographic:
                return KMSError(.disabled, "\(arn) is disabled.")
            case .enableKeyRotation, .disableKeyRotation, .rotateKeyOnDemand:
                return KMSError(.disabled, "\(arn) is disabled.")
            default:
                return nil
            }
        case .pendingDeletion, .pendingReplicaDeletion:
            switch action {
            case .describeKey, .cancelKeyDeletion, .deleteAlias, .listAliases, .getKeyPolicy,
                .listKeyPolicies, .putKeyPolicy, .listResourceTags, .listGrants, .listRetirableGrants,
                .retireGrant, .revokeGrant, .getKeyRotationStatus, .listKeyRotations, .getKeyLastUsage,
                .getPublicKey:
                if action == .cancelKeyDeletion && self == .pendingReplicaDeletion { return nil }
                return nil
            default:
                return .invalidState("\(arn) is pending deletion.")
            }
        case .pendingImport:
            switch action {
            case _ where action.isCryptographic:
                return .invalidState("\(arn) is pending import.")
            case .enableKey, .disableKey, .enableKeyRotation, .disableKeyRotation, .rotateKeyOnDemand:
                return .invalidState("\(arn) is pending import.")
            default:
                return nil
            }
        case .unavailable:
            switch action {
            case _ where action.isCryptographic:
                return .invalidState("\(arn) is unavailable.")
            default:
                return nil
            }
        case .creating, .updating:
            switch action {
            case .describeKey, .listAliases, .getKeyPolicy, .listKeyPolicies, .listResourceTags, .listGrants:
                return nil
            default:
                return .invalidState("\(arn) is \(self == .creating ? "being created" : "being updated").")
            }
        }
    }
}
