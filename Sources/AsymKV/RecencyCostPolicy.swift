import AsymCore
import AsymCost
import Foundation

/// `asym-recency`: evicts the block with the least expected rebuild time saved,
/// `value = P(reuse | idle time, use class) × rebuild(block)`, with P learned online
/// (`ReuseEstimator`: `rate(class) · exp(−idle / timeScale)`).
///
/// Because the reuse probability decays exponentially, the order of two blocks never changes
/// as time passes, so a static heap suffices: comparing `log value` at any `now` is comparing
/// `releasedAt + timeScale · (log rate(class) + log rebuild)`. The time scale converts cost into
/// time: a block k times dearer to rebuild is kept as if it had been released
/// `timeScale · ln k` later. Keys are recomputed when the learned parameters move (see `refresh`).
///
/// - `releasedAt` is when the block last became evictable. A conversation's private blocks are
///   all released together at the end of its last turn, so they share one age whatever their
///   use counts (a live conversation reuses its whole chain); a prefix shared by many requests
///   is released by each of them, so it stays young. Chain-level recency, from block facts.
/// - `rebuild` is the marginal time of the block's tokens at its position (a deep block attends
///   to more keys), plus the cost of starting a segment (`perPrefix · P`) only when evicting it
///   opens a new hole: its parent and a child are both resident. Within one chain (one age) the
///   shallow blocks therefore go first, as one hole, and the expensive deep tail stays.
///
/// With `allowsHoles == false` (the `asym-prefix` ablation) lookups stop at the first miss, so
/// leaves (no resident child) are evicted first, an inner block only when no leaf is evictable.
/// Deterministic: no randomness, no wall clock; `now` comes from the manager.
public final class RecencyCostPolicy: EvictionPolicy {
    /// Holes allowed: every evictable block. Prefix-closed: evictable blocks without a resident child.
    private var leaves: IndexedMinHeap
    /// Prefix-closed only: evictable blocks with a resident child.
    private var inner: IndexedMinHeap
    /// Per block: when it last became evictable (caller's clock).
    private var releasedAt: [Double]
    /// Per block: its rebuild time (ms) if evicted now.
    private var rebuild: [Double]
    /// Per block: use class when it became evictable (`ReuseEstimator.useClass`).
    private var useClass: [UInt8]
    /// Per block: taken out of the policy by a hit; its `recordUse` is still to come.
    private var awaitingUse: [Bool]
    /// Per block: its current content has been seen by `recordUse` (false once evicted).
    private var contentSeen: [Bool]
    private var estimator: ReuseEstimator
    /// The time scale and log rates the current keys were computed with.
    private var keyTimeScale = 0.0
    private var keyLogRates = [Double](repeating: 0, count: ReuseEstimator.classCount)
    private var eventsSinceRefresh = 0
    /// Learned parameters are checked every `refreshPeriod` events (about 8 times per cache
    /// generation of `blockCount` events), which keeps rebuilding keys O(log n) per event amortized.
    private let refreshPeriod: Int
    private let blockSize: Int
    private let costModel: CostModel
    public let allowsHoles: Bool

    public init(blockCount: Int, blockSize: Int, costModel: CostModel, allowsHoles: Bool) {
        leaves = IndexedMinHeap(capacity: blockCount)
        inner = IndexedMinHeap(capacity: allowsHoles ? 0 : blockCount)
        releasedAt = [Double](repeating: 0, count: blockCount)
        rebuild = [Double](repeating: 0, count: blockCount)
        useClass = [UInt8](repeating: 0, count: blockCount)
        awaitingUse = [Bool](repeating: false, count: blockCount)
        contentSeen = [Bool](repeating: false, count: blockCount)
        // Estimates follow about the last cache generation (halving once per blockCount events).
        estimator = ReuseEstimator(halvingPeriod: max(blockCount, 64))
        refreshPeriod = max(blockCount / 8, 64)
        self.blockSize = blockSize
        self.costModel = costModel
        self.allowsHoles = allowsHoles
    }

    public var name: String { allowsHoles ? PolicyKind.asymRecency.rawValue : "asym-recency-prefix" }
    public var count: Int { leaves.count + inner.count }
    public var observesUses: Bool { true }
    /// The learned time scale the current keys use (0: pure recency, nothing learned yet).
    public var timeScale: Double { keyTimeScale }

    /// Time (ms) to rebuild the block if it were evicted now.
    public func rebuildTime(of facts: BlockFacts) -> Double {
        let p = facts.blockIndex * blockSize
        let c = costModel.coefficients
        var cost = costModel.segmentTime(prefixLength: p, chunkLength: blockSize) - c.perPrefix * Double(p)
        if allowsHoles && facts.parentResident && facts.residentChildCount > 0 { cost += c.perPrefix * Double(p) }
        return cost
    }

    private func key(_ i: Int) -> EvictionKey {
        let logValue = log(rebuild[i]) + keyLogRates[Int(useClass[i])]
        // Among equal keys (always, before a time scale is learned) the cheaper block goes first;
        // the bit pattern of a positive Double orders as the Double does.
        return EvictionKey(releasedAt[i] + keyTimeScale * logValue, tieBreak: Int64(bitPattern: rebuild[i].bitPattern))
    }

    private func place(_ i: Int, residentChildCount: Int) {
        if allowsHoles {
            leaves.set(i, key: key(i))
        } else if residentChildCount == 0 {
            inner.remove(i)
            leaves.set(i, key: key(i))
        } else {
            leaves.remove(i)
            inner.set(i, key: key(i))
        }
    }

    private func contains(_ i: Int) -> Bool { leaves.contains(i) || (!allowsHoles && inner.contains(i)) }

    public func insert(_ facts: BlockFacts, now: Double) {
        let i = facts.block.index
        releasedAt[i] = now
        useClass[i] = UInt8(ReuseEstimator.useClass(facts.useCount))
        rebuild[i] = max(rebuildTime(of: facts), .leastNormalMagnitude)
        place(i, residentChildCount: facts.residentChildCount)
    }

    public func remove(_ block: BlockID) {
        let i = block.index
        guard contains(i) else { return }
        leaves.remove(i)
        if !allowsHoles { inner.remove(i) }
        awaitingUse[i] = true  // the manager removes a block only to pin it for a hit
    }

    public func popVictim(now: Double) -> BlockID? {
        guard let v = leaves.popMin() ?? inner.popMin() else { return nil }
        estimator.recordEviction(useClass: Int(useClass[v.item]))
        contentSeen[v.item] = false
        countEvent()
        return BlockID(v.item)
    }

    public func recordUse(_ facts: BlockFacts, now: Double) {
        let i = facts.block.index
        if awaitingUse[i] {
            awaitingUse[i] = false
            estimator.recordHit(useClass: Int(useClass[i]), idle: now - releasedAt[i])
            countEvent()
        } else if !contentSeen[i] && facts.useCount >= 2 {
            // Newly committed content that was used before: an eviction that was a mistake.
            estimator.recordMissedReuse(useClass: ReuseEstimator.useClass(facts.useCount - 1))
        }
        contentSeen[i] = true
    }

    public func childCountChanged(_ facts: BlockFacts, now: Double) {
        let i = facts.block.index
        guard contains(i) else { return }
        // Keep the block's age; only its rebuild time changes.
        rebuild[i] = max(rebuildTime(of: facts), .leastNormalMagnitude)
        place(i, residentChildCount: facts.residentChildCount)
    }

    private func countEvent() {
        eventsSinceRefresh += 1
        if eventsSinceRefresh >= refreshPeriod { refresh() }
    }

    /// Adopts the estimator's parameters and recomputes every key when one moved by more than
    /// 10% (time scale, relative) or 0.1 (log rate): smaller moves change few orderings.
    private func refresh() {
        eventsSinceRefresh = 0
        let scale = estimator.timeScale
        let rates = (0..<ReuseEstimator.classCount).map { estimator.logReuseRate($0) }
        let scaleMoved = abs(scale - keyTimeScale) > 0.1 * max(keyTimeScale, .leastNormalMagnitude)
        let ratesMoved = zip(rates, keyLogRates).contains { abs($0 - $1) > 0.1 }
        guard scaleMoved || ratesMoved else { return }
        keyTimeScale = scale
        keyLogRates = rates
        for i in 0..<releasedAt.count {
            if leaves.contains(i) {
                leaves.set(i, key: key(i))
            } else if !allowsHoles && inner.contains(i) {
                inner.set(i, key: key(i))
            }
        }
    }
}
