import Foundation
import TrentCore

/// Deletes imported material whose ValidTo has passed (when it was the current material, the key goes back to
/// PendingImport; its id stays for a re-import of the same material). Driven by the clock.
public struct ImportedMaterialExpiry: Sendable {
    let kms: KMS
    public init(kms: KMS) { self.kms = kms }

    @discardableResult
    public func expire() async throws -> [KeyARN] {
        let now = kms.clock.now()
        var expired: [KeyARN] = []
        for var record in try await kms.store.keysWithExpiringMaterial(before: now) where record.isMaterialExpired(at: now) {
            let revision = record.revision
            let expiring = record.materials.filter { $0.hasExpired(at: now) }
            kms.forgetMaterial(expiring.map(\.materialID))
            record.expireImportedMaterial(at: now)
            do {
                try await kms.store.commit(.key(.put(record, expectedRevision: revision)))
                expired.append(record.arn)
            } catch StoreError.conflict {
                continue
            }
        }
        return expired
    }
}
