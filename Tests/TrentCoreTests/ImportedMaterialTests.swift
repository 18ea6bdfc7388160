import Foundation
import Testing

@testable import TrentCore

/// The record's rules for several imported materials: what deleting and expiring one does to the key.
@Suite struct ImportedMaterialTests {
    let identity = KeyIdentity(
        scope: Scope(account: AccountID("111122223333")!, region: Region("us-east-1")!),
        id: KeyID("1234abcd-12ab-34cd-56ef-1234567890ab")!)

    func material(_ version: UInt32, validTo: Date? = nil) -> SealedMaterial {
        SealedMaterial(
            version: version, materialID: String(repeating: "\(version)", count: 64), sealed: Data([UInt8(version)]),
            createdAt: Date(timeIntervalSince1970: 0), validTo: validTo)
    }

    /// Versions 1 and 2 imported, 2 current, 3 waiting for rotation.
    func record() -> KeyRecord {
        var r = KeyRecord(
            identity: identity, description: "", spec: .symmetricDefault, usage: .encryptDecrypt, origin: .external,
            manager: .customer, state: .enabled, creationDate: Date(timeIntervalSince1970: 0),
            materials: [
                material(1), material(2, validTo: Date(timeIntervalSince1970: 200)),
                material(3, validTo: Date(timeIntervalSince1970: 100)),
            ],
            currentVersion: 2, policy: "{}")
        r.refreshMaterialValidTo()
        return r
    }

    @Test func aWaitingMaterialIsRemovedEntirelyAndTheKeyStaysUsable() {
        var r = record()
        #expect(r.pendingMaterial?.version == 3 && r.materialValidTo == Date(timeIntervalSince1970: 100))
        r.removeImportedMaterial(version: 3)
        #expect(r.materials.map(\.version) == [1, 2] && r.pendingMaterial == nil && r.state == .enabled)
        #expect(r.materialValidTo == Date(timeIntervalSince1970: 200))
    }

    @Test func anOlderMaterialKeepsItsIdWithoutItsBytes() {
        var r = record()
        r.removeImportedMaterial(version: 1)
        #expect(r.materials.count == 3 && !r.materials[0].isPresent && r.materials[0].materialID == material(1).materialID)
        #expect(r.state == .enabled)
    }

    @Test func losingTheCurrentMaterialMakesTheKeyWaitForImportUnlessPendingDeletion() {
        var r = record()
        r.removeImportedMaterial(version: 2)
        #expect(r.state == .pendingImport && r.currentMaterial?.isPresent == false)
        var deleting = record()
        deleting.state = .pendingDeletion
        deleting.removeImportedMaterial(version: 2)
        #expect(deleting.state == .pendingDeletion)
    }

    @Test func expiryRemovesOnlyWhatHasExpired() {
        var r = record()
        #expect(!r.isMaterialExpired(at: Date(timeIntervalSince1970: 99)))
        #expect(r.isMaterialExpired(at: Date(timeIntervalSince1970: 100)))
        r.expireImportedMaterial(at: Date(timeIntervalSince1970: 150))
        #expect(r.materials.map(\.version) == [1, 2] && r.state == .enabled)
        r.expireImportedMaterial(at: Date(timeIntervalSince1970: 250))
        #expect(r.state == .pendingImport && r.materials.map(\.isPresent) == [true, false] && r.materialValidTo == nil)
    }
}
