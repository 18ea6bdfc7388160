import Logging
import Metrics
import TrentCore

/// One pass of a background job (deletion at the end of the waiting period, automatic rotation): on one node at
/// a time when `leases` coordinate several nodes, counted by outcome, a failure logged and left for the next pass.
public enum BackgroundJob {
    public static func pass(
        _ job: String, leases: (any JobLeases)?, logger: Logger, _ body: @Sendable () async throws -> Void
    ) async {
        do {
            var ran = true
            if let leases {
                ran = try await leases.runExclusively(job, body)
            } else {
                try await body()
            }
            Counter(
                label: "trent_background_runs_total",
                dimensions: [("job", job), ("outcome", ran ? "ran" : "another node holds it")]
            ).increment()
        } catch {
            Counter(label: "trent_background_runs_total", dimensions: [("job", job), ("outcome", "failed")]).increment()
            logger.warning("\(job) pass failed: \(error)")
        }
    }
}
