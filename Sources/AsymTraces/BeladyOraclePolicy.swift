import AsymCore
import AsymKV

/// Offline reference, not a policy to deploy: Belady's rule, evict the cached block whose next
/// use lies furthest in the future (never-used-again first). The replay driver tells it each
/// block's next use (a request index) from the whole trace, which no online policy can know.
///
/// `oracle` and `oracle-prefix` give the same result on prefix-chained traces: a request that uses a
/// block uses all its ancestors, so an ancestor's next use is never later than its descendant's, and
/// Belady (ties broken deepest first) never evicts a parent before its child — it makes no holes.
/// A cost-aware oracle that trades next use against rebuild cost would; this one counts only uses.
public final class BeladyOraclePolicy: EvictionPolicy {
    private var heap: IndexedMinHeap
    private var nextUse: [Int]
    public let allowsHoles: Bool

    public init(blockCount: Int, allowsHoles: Bool) {
        heap = IndexedMinHeap(capacity: blockCount)
        nextUse = [Int](repeating: Int.max, count: blockCount)
        self.allowsHoles = allowsHoles
    }

    public var name: String { allowsHoles ? "oracle" : "oracle-prefix" }
    public var count: Int { heap.count }

    /// Records when `block` is next used (request index; `Int.max` for never).
    public func setNextUse(_ block: BlockID, _ request: Int) { nextUse[block.index] = request }

    public func insert(_ facts: BlockFacts, now: Double) {
        let i = facts.block.index
        heap.set(i, key: EvictionKey(-Double(nextUse[i]), tieBreak: -Int64(facts.blockIndex)))
    }

    public func remove(_ block: BlockID) { heap.remove(block.index) }
    public func popVictim(now: Double) -> BlockID? { heap.popMin().map { BlockID($0.item) } }
}
