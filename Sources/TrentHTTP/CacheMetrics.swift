import Metrics
import TrentCore

/// The cache's work as Prometheus series: lookups by kind and outcome, invalidations by where they came from, and
/// entries held. Read from the cache's own tallies every second, so the hot path only adds to integers.
public struct CacheMetrics: Sendable {
    let cache: CachedKeyStore

    public init(cache: CachedKeyStore) { self.cache = cache }

    public func run(every interval: Duration = .seconds(1)) async {
        var last = CachedKeyStore.Statistics()
        while !Task.isCancelled {
            let now = cache.statistics
            let steps: [(String, [(String, String)], Int)] = [
                ("trent_cache_lookups_total", [("kind", "key"), ("outcome", "hit")], now.keyHits - last.keyHits),
                ("trent_cache_lookups_total", [("kind", "key"), ("outcome", "miss")], now.keyMisses - last.keyMisses),
                ("trent_cache_lookups_total", [("kind", "alias"), ("outcome", "hit")], now.aliasHits - last.aliasHits),
                ("trent_cache_lookups_total", [("kind", "alias"), ("outcome", "miss")], now.aliasMisses - last.aliasMisses),
                (
                    "trent_cache_invalidations_total", [("source", "this node")],
                    now.localInvalidations - last.localInvalidations
                ),
                (
                    "trent_cache_invalidations_total", [("source", "other nodes")],
                    now.remoteInvalidations - last.remoteInvalidations
                ),
                ("trent_cache_invalidations_total", [("source", "everything")], now.fullInvalidations - last.fullInvalidations),
            ]
            for (label, dimensions, delta) in steps where delta > 0 {
                Counter(label: label, dimensions: dimensions).increment(by: delta)
            }
            let occupancy = cache.occupancy
            Gauge(label: "trent_cache_entries", dimensions: [("kind", "key")]).record(occupancy.keys)
            Gauge(label: "trent_cache_entries", dimensions: [("kind", "alias")]).record(occupancy.aliases)
            Gauge(label: "trent_cache_key_bytes").record(occupancy.keyBytes)
            last = now
            try? await Task.sleep(for: interval)
        }
    }
}
