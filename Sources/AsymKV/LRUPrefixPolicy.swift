import AsymCore

/// `lru-prefix`: vLLM v1 automatic prefix caching. Cached blocks wait in one LRU free queue in
/// release order; the manager releases a request's blocks tail-first, so within a request the
/// deepest block is evicted first, and across requests the least recently released goes first.
/// A hit takes the block out of the queue. Eviction is lazy: only when a block is needed.
public final class LRUPrefixPolicy: EvictionPolicy {
    /// Unchecked exclusivity: one owner, no reentrancy (see `AsymPolicy`).
    @exclusivity(unchecked) private var queue: BlockList

    public init(blockCount: Int) { queue = BlockList(capacity: blockCount) }

    public var name: String { PolicyKind.lruPrefix.rawValue }
    public var allowsHoles: Bool { false }
    public var count: Int { queue.count }
    /// Block indices, next victim first.
    public var evictionOrder: [Int] { queue.elements }

    public func insert(_ facts: BlockFacts, now: Double) { queue.append(facts.block.index) }
    public func remove(_ block: BlockID) { queue.remove(block.index) }
    public func insert(_ batch: [BlockFacts], now: Double) { queue.append(contentsOf: batch.lazy.map { $0.block.index }) }
    public func remove(_ blocks: [BlockID]) { queue.remove(contentsOf: blocks.lazy.map { $0.index }) }
    public func popVictim(now: Double) -> BlockID? { queue.popFirst().map { BlockID($0) } }
}
