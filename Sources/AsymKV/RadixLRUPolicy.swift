import AsymCore

/// `radix-lru`: SGLang RadixAttention at block granularity. The committed blocks form a radix
/// tree through their parent links (one node per block, the uncompressed form of SGLang's span
/// nodes); only leaves (no resident child) are evicted, least recently used first, and among
/// equal times the deepest first. A parent becomes a candidate once its last child is evicted.
/// If no leaf is evictable (a child pinned by a request that holds a duplicate of its parent),
/// the least recently used inner block is taken, so the pool can always be drained.
///
/// A block's last access is the time its last user released it: a hit takes the block out of
/// the order until that user releases it again, so the hit time itself is never needed.
public final class RadixLRUPolicy: EvictionPolicy {
    // Unchecked exclusivity: one owner, no reentrance (see `AsymPolicy`).
    @exclusivity(unchecked) private var leaves: LazyMinHeap
    @exclusivity(unchecked) private var inner: LazyMinHeap
    @exclusivity(unchecked) private var lastAccess: [Double]
    @exclusivity(unchecked) private var depth: [Int32]

    public init(blockCount: Int) {
        leaves = LazyMinHeap(capacity: blockCount)
        inner = LazyMinHeap(capacity: blockCount)
        lastAccess = [Double](repeating: 0, count: blockCount)
        depth = [Int32](repeating: 0, count: blockCount)
    }

    public var name: String { PolicyKind.radixLRU.rawValue }
    public var allowsHoles: Bool { false }
    public var count: Int { leaves.count + inner.count }

    private func key(_ i: Int) -> EvictionKey { EvictionKey(lastAccess[i], tieBreak: -Int64(depth[i])) }

    private func place(_ i: Int, childless: Bool) {
        if childless {
            inner.remove(i)
            leaves.set(i, key: key(i))
        } else {
            leaves.remove(i)
            inner.set(i, key: key(i))
        }
    }

    public func insert(_ facts: BlockFacts, now: Double) {
        let i = facts.block.index
        lastAccess[i] = now
        depth[i] = Int32(truncatingIfNeeded: facts.blockIndex)
        place(i, childless: facts.residentChildCount == 0)
    }

    /// Same as `insert` on each, in order, with one uniqueness check per array; each heap sees
    /// its own operations in batch order.
    public func insert(_ batch: [BlockFacts], now: Double) {
        batch.withUnsafeBufferPointer { facts in
            lastAccess.withUnsafeMutableBufferPointer { at in
                depth.withUnsafeMutableBufferPointer { d in
                    for f in facts {
                        at[f.block.index] = now
                        d[f.block.index] = Int32(truncatingIfNeeded: f.blockIndex)
                    }
                }
            }
            let n = facts.count
            leaves.update(n, item: { facts[$0].block.index }) { j in
                facts[j].residentChildCount == 0 ? EvictionKey(now, tieBreak: -Int64(facts[j].blockIndex)) : nil
            }
            inner.update(n, item: { facts[$0].block.index }) { j in
                facts[j].residentChildCount == 0 ? nil : EvictionKey(now, tieBreak: -Int64(facts[j].blockIndex))
            }
        }
    }

    public func remove(_ block: BlockID) {
        leaves.remove(block.index)
        inner.remove(block.index)
    }

    public func remove(_ blocks: [BlockID]) {
        leaves.remove(contentsOf: blocks.lazy.map(\.index))
        inner.remove(contentsOf: blocks.lazy.map(\.index))
    }

    public func popVictim(now: Double) -> BlockID? {
        if let v = leaves.popMin() ?? inner.popMin() { return BlockID(v.item) }
        return nil
    }

    public func childCountChanged(_ facts: BlockFacts, now: Double) {
        let i = facts.block.index
        guard leaves.contains(i) || inner.contains(i) else { return }
        place(i, childless: facts.residentChildCount == 0)
    }
}
