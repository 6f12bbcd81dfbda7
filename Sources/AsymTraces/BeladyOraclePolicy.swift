import AsymCore
import AsymKV

/// Offline reference, not a policy to deploy: Belady's rule, evict the cached block whose next
/// use lies furthest in the future (never-used-again first). The replay driver tells it each
/// block's next use (a request index) from the whole trace, which no online policy can know.
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
