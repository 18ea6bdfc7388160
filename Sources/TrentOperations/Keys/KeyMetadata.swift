import Foundation
import TrentCore

/// The wire shape `KeyMetadata`, derived from a key record and its spec's declared capabilities.
struct KeyMetadata: Codable, Sendable {
    struct MultiRegionKey: Codable, Sendable {
        var Arn: String
        var Region: String
    }
    struct MultiRegionConfigurationShape: Codable, Sendable {
        var MultiRegionKeyType: String
        var PrimaryKey: MultiRegionKey
        var ReplicaKeys: [MultiRegionKey]
    }

    var AWSAccountId: String
    var KeyId: String
    var Arn: String
    var CreationDate: Date
    var Enabled: Bool
    var Description: String
    var KeyUsage: String
    var KeyState: String
    var DeletionDate: Date?
    var ValidTo: Date?
    var ExpirationModel: String?
    var Origin: String
    var KeyManager: String
    var CustomerMasterKeySpec: String
    var KeySpec: String
    var EncryptionAlgorithms: [String]?
    var SigningAlgorithms: [String]?
    var KeyAgreementAlgorithms: [String]?
    var MacAlgorithms: [String]?
    var MultiRegion: Bool
    var MultiRegionConfiguration: MultiRegionConfigurationShape?
    var PendingDeletionWindowInDays: Int?
    var CurrentKeyMaterialId: String?
    var CustomKeyStoreId: String?
    var CloudHsmClusterId: String?
    var XksKeyConfiguration: XKSKey?

    struct XKSKey: Codable, Sendable {
        var Id: String
    }

    init(_ r: KeyRecord) {
        let caps = r.spec.capabilities
        AWSAccountId = r.identity.scope.account.rawValue
        KeyId = r.identity.id.rawValue
        Arn = r.arn.description
        CreationDate = r.creationDate
        Enabled = r.state.isEnabled
        Description = r.description
        KeyUsage = r.usage.rawValue
        KeyState = r.state.rawValue
        DeletionDate = r.state == .pendingDeletion ? r.deletionDate : nil
        Origin = r.origin.rawValue
        CustomKeyStoreId = r.customKeyStoreID
        CloudHsmClusterId = r.cloudHsmClusterID
        XksKeyConfiguration = r.xksKeyID.map { XKSKey(Id: $0) }
        if r.origin == .external {
            // The earliest expiry of the material permanently associated with the key (not material that waits
            // for rotation), as AWS's KeyMetadata documents ValidTo.
            let validTo = r.materials.filter { $0.isPresent && $0.version <= r.currentVersion }.compactMap(\.validTo).min()
            ExpirationModel = validTo == nil ? "KEY_MATERIAL_DOES_NOT_EXPIRE" : "KEY_MATERIAL_EXPIRES"
            ValidTo = validTo
        }
        KeyManager = r.manager.rawValue
        CustomerMasterKeySpec = r.spec.rawValue
        KeySpec = r.spec.rawValue
        switch r.usage {
        case .encryptDecrypt: EncryptionAlgorithms = caps.encryptionAlgorithms.map(\.rawValue)
        case .signVerify: SigningAlgorithms = caps.signingAlgorithms.map(\.rawValue)
        case .generateVerifyMac: MacAlgorithms = caps.macAlgorithms.map(\.rawValue)
        case .keyAgreement: KeyAgreementAlgorithms = caps.keyAgreementAlgorithms.map(\.rawValue)
        }
        MultiRegion = r.multiRegion
        if r.multiRegion {
            func member(_ region: TrentCore.Region) -> MultiRegionKey {
                MultiRegionKey(Arn: r.peer(in: region).arn.description, Region: region.rawValue)
            }
            self.MultiRegionConfiguration = MultiRegionConfigurationShape(
                MultiRegionKeyType: r.isMultiRegionPrimary ? "PRIMARY" : "REPLICA",
                PrimaryKey: member(r.primaryRegion ?? r.identity.scope.region), ReplicaKeys: r.replicaRegions.map(member))
        }
        // AWS shows the window only while a multi-Region primary waits for its replicas to be deleted.
        PendingDeletionWindowInDays = r.state == .pendingReplicaDeletion ? r.pendingWindowInDays : nil
        if r.spec == .symmetricDefault { CurrentKeyMaterialId = r.currentMaterial?.materialID }
    }
}
