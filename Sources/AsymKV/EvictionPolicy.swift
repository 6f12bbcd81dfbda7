import AsymCore
import AsymCost

/// How a block first came to be computed: by a request whose first block was new to the cache
/// (`fresh`), or by one that continued a prefix the cache already knew (`continuation`).
/// Traces show that continuation blocks are reused far less often.
public enum BlockOrigin: Int, Sendable { case fresh = 0, continuation = 1 }

/// What the manager tells a policy about one committed block.
public struct BlockFacts: Sendable {
    // Field order packs the struct into 48 bytes (the manager builds one per released block).
    public var block: BlockID
    /// Position of the block in its sequence: it covers tokens `blockIndex * blockSize ..< +blockSize`.
    public var blockIndex: Int
    /// Resident committed blocks whose parent is this block.
    public var residentChildCount: Int
    /// Requests that used this block (computed it or hit it), including before an eviction.
    public var useCount: Int
    /// In `insert`: turns admitted so far of the session of the request releasing the block
    /// (0 when it carried no session id). 0 in other calls.
    public var sessionTurns: Int
    /// Whether the block holding the previous `blockSize` tokens of the same prefix is resident.
    public var parentResident: Bool
    public var origin: BlockOrigin
}

/// Chooses which cached block (committed, reference count 0) to evict.
///
/// The manager calls `insert` when a block becomes evictable (in tail-first order on release),
/// `remove` when a cached block is hit and pinned again, and `popVictim` when it needs a block.
/// A policy only orders blocks; the manager owns reference counts, the hash index and the pool.
public protocol EvictionPolicy: AnyObject {
    var name: String { get }
    /// Whether lookups report every resident block (holes allowed) or stop at the first miss.
    var allowsHoles: Bool { get }
    /// False for `none`: released blocks go straight back to the free pool.
    var reusesBlocks: Bool { get }
    /// Number of blocks the policy currently holds as evictable.
    var count: Int { get }
    func insert(_ facts: BlockFacts, now: Double)
    func remove(_ block: BlockID)
    /// Blocks that became evictable together (one release, tail first): `insert` each, in order.
    func insert(_ batch: [BlockFacts], now: Double)
    /// Cached blocks one admission hits: `remove` each.
    func remove(_ blocks: [BlockID])
    /// Removes and returns the next victim, or nil when the policy holds no block.
    func popVictim(now: Double) -> BlockID?
    /// Whether the policy wants `recordUse` calls (the manager skips building facts otherwise).
    var observesUses: Bool { get }
    /// A request used the block (it was committed or hit); `facts.useCount` is already updated.
    func recordUse(_ facts: BlockFacts, now: Double)
    /// The resident child count of an evictable or in-use block changed.
    func childCountChanged(_ facts: BlockFacts, now: Double)
}

extension EvictionPolicy {
    public func insert(_ batch: [BlockFacts], now: Double) {
        for f in batch { insert(f, now: now) }
    }
    public func remove(_ blocks: [BlockID]) {
        for b in blocks { remove(b) }
    }
    public var reusesBlocks: Bool { true }
    public var observesUses: Bool { false }
    public func recordUse(_ facts: BlockFacts, now: Double) {}
    public func childCountChanged(_ facts: BlockFacts, now: Double) {}
}

/// The policies users can pick.
public enum PolicyKind: String, CaseIterable, Sendable {
    case none
    case lruPrefix = "lru-prefix"
    case radixLRU = "radix-lru"
    case asym
    case asymPrefix = "asym-prefix"
    /// Candidate replacement for `asym`: learned recency × rebuild cost (`RecencyCostPolicy`).
    case asymRecency = "asym-recency"

    /// A new policy instance for a pool of `blockCount` blocks.
    public func makePolicy(blockCount: Int, blockSize: Int, costModel: CostModel) -> any EvictionPolicy {
        switch self {
        case .none: NoReusePolicy()
        case .lruPrefix: LRUPrefixPolicy(blockCount: blockCount)
        case .radixLRU: RadixLRUPolicy(blockCount: blockCount)
        case .asym: AsymPolicy(blockCount: blockCount, blockSize: blockSize, costModel: costModel, allowsHoles: true)
        case .asymPrefix:
            AsymPolicy(blockCount: blockCount, blockSize: blockSize, costModel: costModel, allowsHoles: false)
        case .asymRecency:
            RecencyCostPolicy(blockCount: blockCount, blockSize: blockSize, costModel: costModel, allowsHoles: true)
        }
    }
}

/// `none`: no reuse across requests; nothing is ever cached.
public final class NoReusePolicy: EvictionPolicy {
    public init() {}
    public var name: String { PolicyKind.none.rawValue }
    public var allowsHoles: Bool { false }
    public var reusesBlocks: Bool { false }
    public var count: Int { 0 }
    public func insert(_ facts: BlockFacts, now: Double) { preconditionFailure("none caches nothing") }
    public func remove(_ block: BlockID) {}
    public func popVictim(now: Double) -> BlockID? { nil }
}
