import Foundation
import Metrics
import TrentCore

/// Deletes keys whose waiting period has passed, with their material and aliases. Idempotent, and driven by
/// the injected clock, so tests move time instead of waiting. Keys past their date are already treated as
/// deleted by every read, so the sweeper only reclaims storage.
public struct DeletionSweeper: Sendable {
    let kms: KMS

    public init(kms: KMS) { self.kms = kms }

    /// One sweep; returns the keys deleted.
    @discardableResult
    public func sweep() async throws -> [KeyARN] {
        let now = kms.clock.now()
        var deleted: [KeyARN] = []
        for key in try await kms.store.keysPendingDeletion(before: now) where key.isDeleted(at: now) {
            do {
                let peers = try await kms.setWithout(key)
                try await kms.store.commit(ChangeSet(keys: [.delete(key.identity, expectedRevision: key.revision)] + peers))
                kms.forgetMaterial(key.materials.map(\.materialID))
                kms.destroyHSMKey(of: key)
                deleted.append(key.arn)
                Counter(label: "trent_keys_deleted_total").increment()
                kms.logger.info("deleted \(key.arn) at the end of its waiting period")
            } catch StoreError.conflict {
                continue  // cancelled or changed meanwhile; the next sweep looks again
            }
        }
        return deleted
    }

    /// Sweeps every `interval` until the task is cancelled; with `leases`, one node at a time sweeps (each
    /// deletion is revision-checked anyway, so a second sweeper could only lose the race).
    public func run(every interval: Duration = .seconds(60), leases: (any JobLeases)? = nil) async {
        while !Task.isCancelled {
            await BackgroundJob.pass("deletion", leases: leases, logger: kms.logger) { _ = try await sweep() }
            try? await Task.sleep(for: interval)
        }
    }
}
