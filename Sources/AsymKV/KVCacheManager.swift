import AsymCore
import AsymCost

/// Decides which KV blocks stay, and what each request must compute. Touches no KV bytes:
/// only block ids, reference counts, chained hashes and positions.
///
/// Every block is in exactly one state: free (no content), cached (committed, reference count
/// 0, held by the policy or pinned by a hint; evictable) or in use (reference count > 0).
/// free + cached + in use = `blockCount` always (`checkInvariants`). Time is an input (`now`,
/// on the caller's clock); the manager never reads a wall clock. Not thread-safe: one owner.
///
/// Request lifecycle: `lookup` (optional, read-only) → `admit` (pins hits, allocates the rest)
/// → `commit` blocks as they are computed → `appendTokens` while decoding → `release`.
public final class KVCacheManager {
    var core: KVCacheCore

    public init(blockCount: Int, blockSize: Int = 16, policy: PolicyKind, costModel: CostModel) {
        core = KVCacheCore(blockCount: blockCount, blockSize: blockSize, policy: policy, costModel: costModel)
    }

    public init(blockCount: Int, blockSize: Int = 16, policy: any EvictionPolicy, costModel: CostModel) {
        core = KVCacheCore(blockCount: blockCount, blockSize: blockSize, policy: policy, costModel: costModel)
    }

    public var blockCount: Int { core.blockCount }
    public var blockSize: Int { core.blockSize }
    public var costModel: CostModel { core.costModel }
    public var policy: any EvictionPolicy { core.policy }
    /// Counters since creation.
    public var stats: KVCacheStats { core.stats }
    /// Run `checkInvariants` after every mutation (default: debug builds with ≤ 4,096 blocks).
    public var checksEveryMutation: Bool {
        get { core.checksEveryMutation }
        set { core.checksEveryMutation = newValue }
    }

    public var freeBlockCount: Int { core.freeBlockCount }
    /// Cached blocks (reference count 0) that may be evicted, pinned ones included.
    public var evictableBlockCount: Int { core.evictableBlockCount }
    public var usedBlockCount: Int { core.usedBlockCount }
    public func blockTable(of request: RequestID) -> [BlockID]? { core.blockTable(of: request) }
    public func isResident(_ hash: BlockHash) -> Bool { core.isResident(hash) }

    /// Which prompt blocks are resident. Changes nothing but `stats.lookups`. With a
    /// prefix-closed policy the walk stops at the first miss; with holes it walks the whole
    /// hash chain and reports every resident block. Hits are verified token by token.
    public func lookup(tokens: [TokenID], namespace: CacheNamespace = .shared) -> CacheLookup {
        core.lookup(tokens: tokens, namespace: namespace)
    }

    /// Pins the prompt's hits and allocates fresh blocks for every other block (evicting as the
    /// policy says). Fails with `outOfBlocks` and no side effect if the pool is too small.
    /// A `lookup` made since the last change is reused; a stale one is redone.
    /// Fresh blocks are not hits for anyone until committed.
    @discardableResult
    public func admit(
        _ request: RequestID, tokens: [TokenID], namespace: CacheNamespace = .shared,
        hints: RequestHints = RequestHints(), now: Double, lookup: CacheLookup? = nil
    ) throws -> Admission {
        try core.admit(request, tokens: tokens, namespace: namespace, hints: hints, now: now, lookup: lookup)
    }

    /// Extends a running request by `newTokens` (decode), allocating blocks as needed. Fails
    /// with `outOfBlocks` and no side effect. Returns the blocks appended to its table.
    @discardableResult
    public func appendTokens(_ newTokens: [TokenID], to request: RequestID, now: Double) throws -> [BlockID] {
        try core.appendTokens(newTokens, to: request, now: now)
    }

    /// Marks the full blocks `blocks` (table indices; clamped) of a request as computed: each
    /// is hashed and indexed, so later lookups hit it. A block whose content is already indexed
    /// stays unindexed (one canonical copy) and returns to the free pool on release.
    public func commit(_ request: RequestID, blocks: Range<Int>, now: Double) throws {
        try core.commit(request, blocks: blocks, now: now)
    }

    /// Unpins a request's blocks, tail first (finish, cancel or preemption). Committed blocks
    /// become cached (or pinned until `hints.pinUntil`); the others return to free.
    public func release(_ request: RequestID, now: Double) throws { try core.release(request, now: now) }

    /// Throws `invariantViolated` on the first broken invariant (see `KVCacheCore.checkInvariants`).
    public func checkInvariants() throws { try core.checkInvariants() }
}
