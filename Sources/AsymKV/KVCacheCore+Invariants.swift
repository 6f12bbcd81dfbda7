import AsymCore

extension KVCacheCore {
    /// Checks the manager's invariants in O(blockCount + table sizes); returns the first
    /// violation found as an error:
    /// - conservation: free + cached (policy + pinned) + in use = blockCount, each block in one state;
    /// - reference counts equal the number of block-table entries naming the block;
    /// - free blocks hold no content; cached blocks are indexed; the index maps each indexed
    ///   block's hash back to it and holds nothing else;
    /// - resident child counts match the parent links.
    public func checkInvariants() throws {
        func fail(_ message: String) throws { throw KVCacheError.invariantViolated(message) }
        if freeBlockCount + evictableBlockCount + usedBlockCount != blockCount { try fail("conservation") }
        var references = [Int32](repeating: 0, count: blockCount)
        for state in requests.values {
            for b in state.blockTable { references[b.index] += 1 }
        }
        var isFree = [Bool](repeating: false, count: blockCount)
        for f in freeBlocks {
            if isFree[Int(f)] { try fail("block \(f) twice in the free list") }
            isFree[Int(f)] = true
        }
        var inUse = 0
        var indexedCount = 0
        var children = [Int32](repeating: 0, count: blockCount)
        for i in 0..<blockCount {
            let refCount = records[i].refCount, indexed = records[i].indexed
            if refCount != references[i] { try fail("block \(i): refCount \(refCount) != \(references[i]) table refs") }
            if refCount > 0 { inUse += 1 }
            let cached = pinned.contains(i)
            if isFree[i] && (refCount != 0 || indexed || cached) { try fail("free block \(i) has content or users") }
            if !isFree[i] && refCount == 0 && !indexed { try fail("block \(i) is lost: not free, unused, uncached") }
            if cached && refCount != 0 { try fail("pinned block \(i) is in use") }
            if indexed {
                indexedCount += 1
                if index.block(for: BlockHash(hashOf[i])) != BlockID(i) { try fail("index does not map block \(i)") }
            }
            if let p = linkedParent(i), indexed { children[p] += 1 }
        }
        if inUse != usedBlockCount { try fail("in use \(inUse) != \(usedBlockCount)") }
        if indexedCount != index.count { try fail("index holds \(index.count) entries, \(indexedCount) blocks indexed") }
        let cachedCount = records.reduce(0) { $0 + ($1.refCount == 0 && $1.indexed ? 1 : 0) }
        if cachedCount != evictableBlockCount { try fail("cached \(cachedCount) != evictable \(evictableBlockCount)") }
        for i in 0..<blockCount where records[i].indexed && children[i] != records[i].childCount {
            try fail("block \(i): child count \(records[i].childCount) != \(children[i])")
        }
    }

    /// `checkInvariants` after a mutation when `checksEveryMutation` is on (debug builds).
    func debugCheck() {
        guard checksEveryMutation else { return }
        do { try checkInvariants() } catch { preconditionFailure("KVCacheManager: \(error)") }
    }
}
