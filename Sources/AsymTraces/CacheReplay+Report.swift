import AsymKV
import Foundation

extension CacheReplay {
    /// A text table of results at one capacity; `lru/rebuild` is lru-prefix's rebuild time over the row's
    /// (above 1: the row rebuilds less than lru-prefix).
    public static func report(_ results: [Result]) -> String {
        guard let first = results.first else { return "" }
        let lru = results.first { $0.policy == "lru-prefix" }
        var lines = [
            "capacity \(first.capacityTokens) tokens, \(first.requests) requests, full compute \(String(format: "%.1f", first.fullComputeMs / 1000)) s",
            "policy          hit    hole%  rebuild s  saved s  lru/rebuild  evictions  evicted-cost s  wall s",
        ]
        for r in results {
            let holeShare = r.promptTokens == 0 ? 0 : Double(r.holeTokens) / Double(r.promptTokens)
            let ratio = lru.map { r.rebuildMs > 0 ? $0.rebuildMs / r.rebuildMs : 0 }
            lines.append(
                r.policy.padding(toLength: 14, withPad: " ", startingAt: 0)
                    + String(format: " %5.3f  %5.3f  %9.1f  %7.1f  %9@  %9d  %14.1f  %6.1f",
                        r.tokenHitRatio, holeShare, r.rebuildMs / 1000, r.savedMs / 1000,
                        ratio.map { String(format: "%.3fx", $0) } ?? "-", r.stats.evictions,
                        r.stats.evictedRebuildMs / 1000, r.wallSeconds))
        }
        return lines.joined(separator: "\n")
    }
}
