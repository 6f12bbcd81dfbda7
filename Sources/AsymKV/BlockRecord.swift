/// The manager's bookkeeping of one block in 32 bytes (two per cache line): a hit, a release
/// or an eviction reads and writes one record instead of one array per field.
/// The block's hash and tokens live elsewhere (`KVCacheCore.hashOf`, `tokenStore`): lookups
/// read those, the bookkeeping does not.
struct BlockRecord {
    /// Block-table entries naming the block (running users).
    var refCount: Int32 = 0
    /// Position in its sequence while indexed: tokens `blockIndex * blockSize ..< +blockSize`.
    var blockIndex: Int32 = 0
    /// Requests that used the block (resident count; the sketch keeps it after eviction).
    var useCount: Int32 = 0
    /// Indexed blocks whose parent link names this block and its current generation.
    var childCount: Int32 = 0
    /// Bumped whenever the block loses its content, so links to the old content go stale.
    var generation: UInt32 = 0
    /// The parent link, private encoding: parent block + 1, 0 when there is none.
    private var parentPlusOne: UInt32 = 0
    /// The parent's generation when linked.
    private var parentGeneration: UInt32 = 0
    /// Whether the block holds committed content that the hash index maps to it.
    var indexed = false
    var origin = BlockOrigin.fresh

    init() {}

    /// The parent this block was linked to, and that parent's generation at the time.
    var parentLink: (block: Int, generation: UInt32)? {
        parentPlusOne == 0 ? nil : (Int(parentPlusOne) - 1, parentGeneration)
    }

    mutating func link(toParent block: Int, generation: UInt32) {
        parentPlusOne = UInt32(block) + 1
        parentGeneration = generation
    }

    /// Forgets the content: unindexed, no parent link, no children, no uses; a new generation.
    mutating func clearContent() {
        indexed = false
        parentPlusOne = 0
        childCount = 0
        useCount = 0
        generation &+= 1
    }
}

extension UnsafeBufferPointer<BlockRecord> {
    /// The parent block `i` was linked to, if it still holds the same content.
    @inline(__always) func linkedParent(of i: Int) -> Int? {
        guard let link = self[i].parentLink, self[link.block].generation == link.generation, self[link.block].indexed
        else { return nil }
        return link.block
    }
}

/// The deepest committed block of a released request, as `KVCacheCore.chainTips` records it.
struct ChainTip {
    var block: Int32 = 0
    var generation: UInt32 = 0
    /// Its position (block index) in the request; -1 when unknown.
    var position: Int32 = -1
}
