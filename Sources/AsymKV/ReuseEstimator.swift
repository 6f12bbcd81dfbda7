/// Online estimate of the probability that a block is used again, per class of block.
///
/// Class = (origin, use count bucket 1, 2, 3, 4–5, 6–9, ≥10). Each time a request uses a block with use
/// count u, the block "enters" class u and counts as a reuse of class u − 1. The estimate is
/// the Laplace-smoothed ratio reuses / entries, learned from the workload as it runs: nothing is
/// fitted offline. On the Mooncake trace a block seen once is reused about half as often as one
/// seen twice, and continuation blocks about a quarter as often as fresh ones.
public struct ReuseEstimator: Sendable {
    /// Upper bounds of the use count buckets; the last bucket is open.
    private static let bucketBounds = [1, 2, 3, 5, 9]
    private static let bucketCount = bucketBounds.count + 1
    private var entered = [Double](repeating: 0, count: 2 * bucketCount)
    private var reused = [Double](repeating: 0, count: 2 * bucketCount)

    public init() {}

    @inline(__always) private static func classIndex(useCount: Int, origin: BlockOrigin) -> Int {
        let bucket = bucketBounds.firstIndex { useCount <= $0 } ?? bucketBounds.count
        return origin.rawValue * bucketCount + bucket
    }

    /// A request used a block; `useCount` counts this use.
    public mutating func recordUse(useCount: Int, origin: BlockOrigin) {
        if useCount > 1 { reused[Self.classIndex(useCount: useCount - 1, origin: origin)] += 1 }
        entered[Self.classIndex(useCount: useCount, origin: origin)] += 1
    }

    /// Probability in (0, 1) that a block of this class is used again.
    public func reuseProbability(useCount: Int, origin: BlockOrigin) -> Double {
        let c = Self.classIndex(useCount: useCount, origin: origin)
        return (reused[c] + 1) / (entered[c] + 2)
    }
}
