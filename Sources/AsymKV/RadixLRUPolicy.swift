import AsymCore

/// `radix-lru`: SGLang RadixAttention at block granularity. The committed blocks form a radix
/// tree through their parent links (one node per block, the uncompressed form of SGLang's span
/// nodes); only leaves (no resident child) are evicted, least recently used first, and among
/// equal times the deepest first. A parent becomes a candidate once its last child is evicted.
/// If no leaf is evictable (a child pinned by a request that holds a duplicate of its parent),
/// the least recently used inner block is taken, so the pool can always be drained.
public final class RadixLRUPolicy: EvictionPolicy {
    private var leaves: IndexedMinHeap
    private var inner: IndexedMinHeap
    private var lastAccess: [Double]
    private var depth: [Int]

    public init(blockCount: Int) {
        leaves = IndexedMinHeap(capacity: blockCount)
        inner = IndexedMinHeap(capacity: blockCount)
        lastAccess = [Double](repeating: 0, count: blockCount)
        depth = [Int](repeating: 0, count: blockCount)
    }

    public var name: String { PolicyKind.radixLRU.rawValue }
    public var allowsHoles: Bool { false }
    public var count: Int { leaves.count + inner.count }

    private func key(_ i: Int) -> EvictionKey { EvictionKey(lastAccess[i], tieBreak: -Int64(depth[i])) }

    public func insert(_ facts: BlockFacts, now: Double) {
        let i = facts.block.index
        lastAccess[i] = now
        depth[i] = facts.blockIndex
        if facts.residentChildCount == 0 { leaves.set(i, key: key(i)) } else { inner.set(i, key: key(i)) }
    }

    public func remove(_ block: BlockID) {
        leaves.remove(block.index)
        inner.remove(block.index)
    }

    public func popVictim(now: Double) -> BlockID? {
        if let v = leaves.popMin() ?? inner.popMin() { return BlockID(v.item) }
        return nil
    }

    public var observesUses: Bool { true }
    public func recordUse(_ facts: BlockFacts, now: Double) { lastAccess[facts.block.index] = now }

    public func childCountChanged(_ facts: BlockFacts, now: Double) {
        let i = facts.block.index
        guard leaves.contains(i) || inner.contains(i) else { return }
        remove(facts.block)
        if facts.residentChildCount == 0 { leaves.set(i, key: key(i)) } else { inner.set(i, key: key(i)) }
    }
}
