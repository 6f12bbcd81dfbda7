import AsymCore
import AsymCost

/// `asym`: evict the block with the lowest expected loss, reuse probability × the time to
/// rebuild it at its position, aged GreedyDual-style.
///
/// priority = clock + P(reuse | class) × rebuild(block). On eviction `clock` rises to the
/// victim's priority, so blocks not used for a while lose their advantage. rebuild is the
/// marginal cost model time of the block's tokens at its prefix length, plus the price of
/// starting a new segment (perPrefix · P) only when the eviction opens a new hole, that is when
/// its parent and a child are both resident; evicting next to an existing hole merges into it.
/// With `allowsHoles == false` this is the `asym-prefix` ablation (same scores, prefix lookups).
public final class AsymPolicy: EvictionPolicy {
    private var heap: IndexedMinHeap
    private var clock = 0.0
    /// The clock when each block last became evictable.
    private var insertedAt: [Double]
    private var estimator = ReuseEstimator()
    private let blockSize: Int
    private let costModel: CostModel
    public let allowsHoles: Bool

    public init(blockCount: Int, blockSize: Int, costModel: CostModel, allowsHoles: Bool) {
        heap = IndexedMinHeap(capacity: blockCount)
        insertedAt = [Double](repeating: 0, count: blockCount)
        self.blockSize = blockSize
        self.costModel = costModel
        self.allowsHoles = allowsHoles
    }

    public var name: String { allowsHoles ? PolicyKind.asym.rawValue : PolicyKind.asymPrefix.rawValue }
    public var count: Int { heap.count }

    /// Expected rebuild time (ms) lost by evicting the block now, before aging.
    public func value(of facts: BlockFacts) -> Double {
        let p = facts.blockIndex * blockSize
        var cost = costModel.segmentTime(prefixLength: p, chunkLength: blockSize)
        if facts.parentResident && facts.residentChildCount > 0 {
            cost += costModel.coefficients.perPrefix * Double(p)
        }
        return estimator.reuseProbability(useCount: facts.useCount, origin: facts.origin) * cost
    }

    public func insert(_ facts: BlockFacts, now: Double) {
        insertedAt[facts.block.index] = clock
        heap.set(facts.block.index, key: EvictionKey(clock + value(of: facts), tieBreak: Int64(facts.blockIndex)))
    }
    public func remove(_ block: BlockID) { heap.remove(block.index) }

    public func popVictim(now: Double) -> BlockID? {
        guard let v = heap.popMin() else { return nil }
        clock = max(clock, v.key.primary)
        return BlockID(v.item)
    }

    public func recordUse(_ facts: BlockFacts, now: Double) {
        estimator.recordUse(useCount: facts.useCount, origin: facts.origin)
    }

    public func childCountChanged(_ facts: BlockFacts, now: Double) {
        let i = facts.block.index
        guard heap.contains(i) else { return }
        // Keep the block's age (the clock when it became evictable); only its value changes.
        heap.set(i, key: EvictionKey(insertedAt[i] + value(of: facts), tieBreak: Int64(facts.blockIndex)))
    }
}
