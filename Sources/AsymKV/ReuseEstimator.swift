import Foundation

/// Learns online how likely a cached block is to be used again, from what the cache observes.
///
/// The model: a block of use class k that has been idle (evictable, unused) for `a` time units
/// is reused with probability `rate(k) · exp(−a / timeScale)`.
/// - `timeScale` is the mean idle time of the hits seen (how long reused blocks had waited):
///   the maximum-likelihood scale of an exponential reuse interval. No workload constant: it
///   is seconds for a chat of people, whatever unit `now` has for a trace.
/// - `rate(k)`: of the cached periods of class-k blocks that ended, the fraction that ended in a
///   reuse, either a hit or a recomputation of content the policy had evicted (a missed reuse,
///   seen when a committed block's hash was already known), with a uniform prior (rule of
///   succession: (reuses + 1) / (ended + 2)).
/// - The use classes are log2 buckets of the block's use count (1, 2, 3–4, 5–8, 9+): traces
///   show reuse likelihood growing with frequency on a log scale (Mooncake: median reuse
///   distance 573 requests for 1 use, 49 for 6+), and the classes let the data say whether it
///   does (in a chat, a conversation's shallow blocks have more uses but are no likelier reused).
///
/// All sums halve every `halvingPeriod` events, so the estimates follow recent behaviour.
struct ReuseEstimator {
    static let classCount = 5

    /// Log2 bucket of a use count: 1 → 0, 2 → 1, 3–4 → 2, 5–8 → 3, 9+ → 4.
    static func useClass(_ uses: Int) -> Int {
        let u = max(uses, 1)
        return min(Int.bitWidth - (u - 1).leadingZeroBitCount, classCount - 1)
    }

    private var idleSum = 0.0
    private var idleCount = 0.0
    private var reuses = [Double](repeating: 0, count: classCount)
    private var evictions = [Double](repeating: 0, count: classCount)
    private var events = 0
    let halvingPeriod: Int

    init(halvingPeriod: Int) {
        precondition(halvingPeriod > 0)
        self.halvingPeriod = halvingPeriod
    }

    /// Mean idle time of observed hits; 0 before the first hit (the policy is then pure recency).
    var timeScale: Double { idleCount > 0 ? idleSum / idleCount : 0 }

    /// Natural log of the probability that a cached block of class `k` is reused at all.
    func logReuseRate(_ k: Int) -> Double { log((reuses[k] + 1) / (reuses[k] + evictions[k] + 2)) }

    /// A cached block of class `k` was hit after being idle for `idle` time units.
    mutating func recordHit(useClass k: Int, idle: Double) {
        idleSum += max(idle, 0)
        idleCount += 1
        reuses[k] += 1
        tick()
    }

    /// A cached block of class `k` was evicted.
    mutating func recordEviction(useClass k: Int) {
        evictions[k] += 1
        tick()
    }

    /// Content evicted from class `k` was needed again and recomputed: that eviction's cached
    /// period ended, in truth, in a reuse.
    mutating func recordMissedReuse(useClass k: Int) {
        let moved = min(evictions[k], 1)
        evictions[k] -= moved
        reuses[k] += moved
    }

    private mutating func tick() {
        events += 1
        guard events >= halvingPeriod else { return }
        events = 0
        idleSum /= 2
        idleCount /= 2
        for k in 0..<Self.classCount {
            reuses[k] /= 2
            evictions[k] /= 2
        }
    }
}
