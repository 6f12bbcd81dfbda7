import AsymCore
import AsymCost

/// `asym`: GreedyDual-Size-Frequency over rebuild time. Evicts the block with the lowest
/// priority = clock + uses × rebuild(block); on eviction `clock` rises to the victim's
/// priority, so blocks not used for a while lose their advantage (aging without timestamps).
///
/// - `rebuild` is the cost model's marginal time of the block's tokens at its prefix length
///   (deep blocks attend to more keys, so they cost more), plus the price of starting a new
///   segment (perPrefix · P) only when the eviction opens a new hole, that is when its parent
///   and a child are both resident; evicting next to an existing hole merges into it.
/// - `uses` is the block's use count from the manager's frequency sketch, which outlives
///   evictions and halves periodically. On the Mooncake trace a prefix used k times is reused
///   sooner the larger k (median reuse distance 573 requests for k = 1, 49 for k ≥ 6), so a
///   one-off long prompt (k = 1) cannot push out a prefix that keeps coming back.
///
/// With `allowsHoles == false` (the `asym-prefix` ablation) lookups stop at the first miss, so
/// a block is worth nothing once its parent is gone: the policy then evicts leaves (blocks
/// without a resident child) first, and an inner block only when no leaf is evictable (its
/// children are all in use), so it never cuts a resident chain to keep its tail.
public final class AsymPolicy: EvictionPolicy {
    /// Holes allowed: every evictable block. Prefix-closed: evictable blocks without a resident child.
    // Unchecked exclusivity: the policy has one owner and its methods never reenter, so the
    // per-access runtime check (paid per block in the batch methods) buys nothing.
    @exclusivity(unchecked) private var leaves: LazyMinHeap
    /// Prefix-closed only: evictable blocks with a resident child.
    @exclusivity(unchecked) private var inner: LazyMinHeap
    @exclusivity(unchecked) private var clock = 0.0
    /// The clock when each block last became evictable.
    @exclusivity(unchecked) private var insertedAt: [Double]
    private let blockSize: Int
    private let costModel: CostModel
    public let allowsHoles: Bool
    /// Extra uses credited to a block released by a turn of a session with at least 2 turns
    /// (its next turn will likely extend the context). Off by default: on the Mooncake trace
    /// with sessions derived from the first hash id, 1 changed rebuild time by under 0.3% and
    /// 3 made it worse at 983K tokens.
    public let sessionBonus: Double
    /// `BlockFacts.sessionTurns` of each block's last insert (kept only with a bonus).
    @exclusivity(unchecked) private var sessionTurnsAtRelease: [Int32]

    public init(blockCount: Int, blockSize: Int, costModel: CostModel, allowsHoles: Bool, sessionBonus: Double = 0) {
        leaves = LazyMinHeap(capacity: blockCount)
        inner = LazyMinHeap(capacity: allowsHoles ? 0 : blockCount)
        insertedAt = [Double](repeating: 0, count: blockCount)
        self.blockSize = blockSize
        self.costModel = costModel
        self.allowsHoles = allowsHoles
        self.sessionBonus = sessionBonus
        sessionTurnsAtRelease = [Int32](repeating: 0, count: sessionBonus > 0 ? blockCount : 0)
    }

    public var name: String { allowsHoles ? PolicyKind.asym.rawValue : PolicyKind.asymPrefix.rawValue }
    public var count: Int { leaves.count + inner.count }

    /// Rebuild time (ms) lost by evicting the block now, weighted by its uses, before aging.
    public func value(of facts: BlockFacts) -> Double {
        let p = facts.blockIndex * blockSize
        var cost = costModel.segmentTime(prefixLength: p, chunkLength: blockSize)
        if allowsHoles && facts.parentResident && facts.residentChildCount > 0 {
            cost += costModel.coefficients.perPrefix * Double(p)
        }
        let bonus = sessionBonus > 0 && sessionTurnsAtRelease[facts.block.index] >= 2 ? sessionBonus : 0
        return (Double(max(facts.useCount, 1)) + bonus) * cost
    }

    private func key(_ facts: BlockFacts, since start: Double) -> EvictionKey {
        // Among equal priorities the deepest block goes first (a tail, never a chain's middle).
        EvictionKey(start + value(of: facts), tieBreak: -Int64(facts.blockIndex))
    }

    private func place(_ facts: BlockFacts, key: EvictionKey) {
        let i = facts.block.index
        if allowsHoles {
            leaves.set(i, key: key)
        } else if facts.residentChildCount == 0 {
            inner.remove(i)
            leaves.set(i, key: key)
        } else {
            leaves.remove(i)
            inner.set(i, key: key)
        }
    }

    public func insert(_ facts: BlockFacts, now: Double) {
        if sessionBonus > 0 { sessionTurnsAtRelease[facts.block.index] = Int32(clamping: facts.sessionTurns) }
        insertedAt[facts.block.index] = clock
        place(facts, key: key(facts, since: clock))
    }

    /// Same as `insert` on each, in order; the arrays' uniqueness checks are paid once per batch.
    /// Each heap sees its own operations in batch order, so running one pass per heap leaves
    /// both as the per-block calls would (they are independent structures).
    public func insert(_ batch: [BlockFacts], now: Double) {
        let start = clock
        batch.withUnsafeBufferPointer { facts in
            if sessionBonus > 0 {
                sessionTurnsAtRelease.withUnsafeMutableBufferPointer { turns in
                    for f in facts { turns[f.block.index] = Int32(clamping: f.sessionTurns) }
                }
            }
            insertedAt.withUnsafeMutableBufferPointer { at in
                for f in facts { at[f.block.index] = start }
            }
            let n = facts.count
            if allowsHoles {
                leaves.update(n, item: { facts[$0].block.index }, key: { key(facts[$0], since: start) })
            } else {
                // Leaves: set when childless, else leave; inner: the converse.
                leaves.update(n, item: { facts[$0].block.index }) {
                    facts[$0].residentChildCount == 0 ? key(facts[$0], since: start) : nil
                }
                inner.update(n, item: { facts[$0].block.index }) {
                    facts[$0].residentChildCount == 0 ? nil : key(facts[$0], since: start)
                }
            }
        }
    }

    public func remove(_ block: BlockID) {
        leaves.remove(block.index)
        if !allowsHoles { inner.remove(block.index) }
    }

    public func remove(_ blocks: [BlockID]) {
        leaves.remove(contentsOf: blocks.lazy.map(\.index))
        if !allowsHoles { inner.remove(contentsOf: blocks.lazy.map(\.index)) }
    }

    public func popVictim(now: Double) -> BlockID? {
        guard let v = leaves.popMin() ?? inner.popMin() else { return nil }
        clock = max(clock, v.key.primary)
        return BlockID(v.item)
    }

    public func childCountChanged(_ facts: BlockFacts, now: Double) {
        let i = facts.block.index
        guard leaves.contains(i) || (!allowsHoles && inner.contains(i)) else { return }
        // Keep the block's age (the clock when it became evictable); only its value changes.
        place(facts, key: key(facts, since: insertedAt[i]))
    }
}
