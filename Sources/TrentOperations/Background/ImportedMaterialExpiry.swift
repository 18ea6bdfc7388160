import Foundation
import TrentCore

/// Deletes imported material whose ValidTo has passed; the key goes back to PendingImport. Driven by the clock.
public struct ImportedMaterialExpiry: Sendable {
    let kms: KMS
    public init(kms: KMS) { self.kms = kms }

    @discardableResult
    public func expire() async throws -> [KeyARN] {
        let now = kms.clock.now()
        var expired: [KeyARN] = []
        for var record in try await kms.store.keysWithExpiringMaterial(before: now) where record.isMaterialExpired(at: now) {
            let revision = record.revision
            kms.forgetMaterial(record.materials.map(\.materialID))
            record.dropImportedMaterial()
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
