import Foundation
import TrentCore

/// The one table of operations: `X-Amz-Target` action name → implementation. Every operation of botocore's
/// model is listed; those Trent does not implement yet answer UnsupportedOperationException saying so.
public enum OperationTable {
    static let implemented: [any KMSOperation.Type] = [
        CancelKeyDeletion.self, CreateAlias.self, DeriveSharedSecret.self, GenerateDataKeyPair.self,
        GenerateDataKeyPairWithoutPlaintext.self, GenerateMac.self, GetPublicKey.self, Sign.self, Verify.self,
        VerifyMac.self, CreateKey.self, Decrypt.self, DeleteAlias.self,
        DescribeKey.self, DisableKey.self, EnableKey.self, Encrypt.self, GenerateDataKey.self,
        GenerateDataKeyWithoutPlaintext.self, GenerateRandom.self, GetKeyPolicy.self, ListAliases.self,
        ListKeyPolicies.self, PutKeyPolicy.self, CreateGrant.self, ListGrants.self, ListRetirableGrants.self,
        RetireGrant.self, RevokeGrant.self, EnableKeyRotation.self, DisableKeyRotation.self,
        GetKeyRotationStatus.self, RotateKeyOnDemand.self, ListKeyRotations.self, GetParametersForImport.self,
        ImportKeyMaterial.self, DeleteImportedKeyMaterial.self, DescribeCustomKeyStores.self, ListKeys.self,
        ListResourceTags.self, GetKeyLastUsage.self, ReplicateKey.self, UpdatePrimaryRegion.self, CreateCustomKeyStore.self,
        UpdateCustomKeyStore.self,
        DeleteCustomKeyStore.self, ConnectCustomKeyStore.self, DisconnectCustomKeyStore.self,
        ReEncrypt.self, ScheduleKeyDeletion.self,
        TagResource.self, UntagResource.self, UpdateAlias.self, UpdateKeyDescription.self,
    ]

    static let byName: [String: any KMSOperation.Type] = Dictionary(
        uniqueKeysWithValues: implemented.map { ($0.action.rawValue, $0) })

    /// Every action and whether Trent implements it.
    public static var status: [(action: KMSAction, implemented: Bool)] {
        KMSAction.allCases.map { ($0, byName[$0.rawValue] != nil) }
    }

    public static func isImplemented(_ name: String) -> Bool { byName[name] != nil }
}
