import Foundation
import Metrics
import TrentCore
import TrentCrypto

/// Key material rotation: rules shared by the rotation operations and the background scheduler.
enum Rotation {
    static let defaultPeriodDays = 365
    /// AWS's current per-key limit of on-demand rotations (it was 10).
    static let onDemandLimit = 25

    /// Only symmetric encryption keys rotate. Automatic rotation (`automatic`) needs key material that KMS
    /// generated; on-demand rotation, and the rotation listings, also take imported key material.
    static func requireRotatable(_ record: KeyRecord, automatic: Bool = true) throws(KMSError) {
        guard record.spec == .symmetricDefault else {
            throw KMSError(
                .unsupportedOperation, "\(record.arn) is not a symmetric encryption KMS key: its key material cannot be rotated.")
        }
        guard record.origin == .awsKMS || (!automatic && record.origin == .external) else {
            throw KMSError(
                .unsupportedOperation,
                record.origin == .external
                    ? "\(record.arn) has imported key material, which KMS does not rotate automatically. Import new key material and rotate it on demand."
                    : "\(record.arn) has key material in a custom key store, which KMS does not rotate.")
        }
    }

    /// A new material version becomes current; older versions stay for decryption.
    static func rotate(_ record: inout KeyRecord, kms: KMS, at now: Date, type: String) throws {
        let version = (record.materials.map(\.version).max() ?? 0) + 1
        let material = try kms.newMaterial(
            for: record.identity, version: version, bytes: .random(count: 32), at: now, rotationType: type)
        record.materials.append(material)
        record.currentVersion = version
    }
}

/// Rotates keys whose automatic rotation is due, driven by the injected clock. Idempotent.
public struct AutomaticRotation: Sendable {
    let kms: KMS

    public init(kms: KMS) { self.kms = kms }

    @discardableResult
    public func rotateDueKeys() async throws -> [KeyARN] {
        let now = kms.clock.now()
        var rotated: [KeyARN] = []
        // A multi-Region replica rotates with its primary, never on its own.
        for var record in try await kms.store.keysDueForRotation(before: now)
        where record.isRotationDue(at: now) && (!record.multiRegion || record.isMultiRegionPrimary) {
            let revision = record.revision
            guard let period = record.rotationPeriodDays, var next = record.nextRotationDate else { continue }
            do {
                try Rotation.rotate(&record, kms: kms, at: next, type: "AUTOMATIC")
                while next <= now { next = next.addingTimeInterval(TimeInterval(period) * 86400) }
                record.nextRotationDate = next
                try await kms.commitShared(record, expectedRevision: revision)
                rotated.append(record.arn)
                Counter(label: "trent_keys_rotated_total", dimensions: [("type", "AUTOMATIC")]).increment()
                kms.logger.info("rotated \(record.arn) automatically")
            } catch StoreError.conflict {
                continue  // changed meanwhile; the next pass looks again
            }
        }
        return rotated
    }
}
