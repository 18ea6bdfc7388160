/// Every KMS API action, by its wire name. Used by the key-state table, and later by policies and the audit trail.
public enum KMSAction: String, Sendable, CaseIterable {
    case cancelKeyDeletion = "CancelKeyDeletion"
    case connectCustomKeyStore = "ConnectCustomKeyStore"
    case createAlias = "CreateAlias"
    case createCustomKeyStore = "CreateCustomKeyStore"
    case createGrant = "CreateGrant"
    case createKey = "CreateKey"
    case decrypt = "Decrypt"
    case deleteAlias = "DeleteAlias"
    case deleteCustomKeyStore = "DeleteCustomKeyStore"
    case deleteImportedKeyMaterial = "DeleteImportedKeyMaterial"
    case deriveSharedSecret = "DeriveSharedSecret"
    case describeCustomKeyStores = "DescribeCustomKeyStores"
    case describeKey = "DescribeKey"
    case disableKey = "DisableKey"
    case disableKeyRotation = "DisableKeyRotation"
    case disconnectCustomKeyStore = "DisconnectCustomKeyStore"
    case enableKey = "EnableKey"
    case enableKeyRotation = "EnableKeyRotation"
    case encrypt = "Encrypt"
    case generateDataKey = "GenerateDataKey"
    case generateDataKeyPair = "GenerateDataKeyPair"
    case generateDataKeyPairWithoutPlaintext = "GenerateDataKeyPairWithoutPlaintext"
    case generateDataKeyWithoutPlaintext = "GenerateDataKeyWithoutPlaintext"
    case generateMac = "GenerateMac"
    case generateRandom = "GenerateRandom"
    case getKeyLastUsage = "GetKeyLastUsage"
    case getKeyPolicy = "GetKeyPolicy"
    case getKeyRotationStatus = "GetKeyRotationStatus"
    case getParametersForImport = "GetParametersForImport"
    case getPublicKey = "GetPublicKey"
    case importKeyMaterial = "ImportKeyMaterial"
    case listAliases = "ListAliases"
    case listGrants = "ListGrants"
    case listKeyPolicies = "ListKeyPolicies"
    case listKeyRotations = "ListKeyRotations"
    case listKeys = "ListKeys"
    case listResourceTags = "ListResourceTags"
    case listRetirableGrants = "ListRetirableGrants"
    case putKeyPolicy = "PutKeyPolicy"
    case reEncrypt = "ReEncrypt"
    case replicateKey = "ReplicateKey"
    case retireGrant = "RetireGrant"
    case revokeGrant = "RevokeGrant"
    case rotateKeyOnDemand = "RotateKeyOnDemand"
    case scheduleKeyDeletion = "ScheduleKeyDeletion"
    case sign = "Sign"
    case tagResource = "TagResource"
    case untagResource = "UntagResource"
    case updateAlias = "UpdateAlias"
    case updateCustomKeyStore = "UpdateCustomKeyStore"
    case updateKeyDescription = "UpdateKeyDescription"
    case updatePrimaryRegion = "UpdatePrimaryRegion"
    case verify = "Verify"
    case verifyMac = "VerifyMac"

    /// Operations that use key material: these are refused with DisabledException on a disabled key.
    /// The operations GetKeyLastUsage reports (botocore's KeyLastUsageTrackingOperation).
    public var tracksLastUsage: Bool {
        switch self {
        case .decrypt, .deriveSharedSecret, .encrypt, .generateDataKey, .generateDataKeyPair,
            .generateDataKeyPairWithoutPlaintext, .generateDataKeyWithoutPlaintext, .generateMac, .reEncrypt, .sign,
            .verify, .verifyMac:
            true
        default: false
        }
    }

    public var isCryptographic: Bool {
        switch self {
        case .encrypt, .decrypt, .reEncrypt, .generateDataKey, .generateDataKeyWithoutPlaintext,
            .generateDataKeyPair, .generateDataKeyPairWithoutPlaintext, .sign, .verify, .generateMac,
            .verifyMac, .deriveSharedSecret, .getPublicKey:
            true
        default: false
        }
    }

    /// Cryptographic operations that count against a request quota shared by keys of one type (AWS's table:
    /// GetPublicKey has its own quota).
    public var countsByKeyType: Bool { isCryptographic && self != .getPublicKey }

    /// Operations AWS allows on a key of another account (by key ARN or alias ARN).
    public var allowsCrossAccount: Bool {
        isCryptographic || self == .describeKey || self == .createGrant || self == .listGrants
            || self == .retireGrant || self == .revokeGrant || self == .getKeyRotationStatus
    }

    /// Operations on no particular key, authorized by identity policies alone.
    public var isKeyless: Bool {
        switch self {
        case .createKey, .listKeys, .listAliases, .generateRandom, .listRetirableGrants, .createCustomKeyStore,
            .describeCustomKeyStores, .updateCustomKeyStore, .deleteCustomKeyStore, .connectCustomKeyStore,
            .disconnectCustomKeyStore:
            true
        default: false
        }
    }

    /// Operations that accept an alias name or alias ARN in `KeyId`.
    public var acceptsAlias: Bool {
        isCryptographic || self == .describeKey
    }
}
