import AsymCore
import AsymCost

extension KVCacheCore {
    /// Extends a running request by `newTokens` (decode), allocating blocks as its table needs.
    /// Fails with `outOfBlocks` and no side effect when the pool cannot grow it.
    /// Returns the blocks appended to the table (often none).
    @discardableResult
    public mutating func appendTokens(_ newTokens: [TokenID], to request: RequestID, now: Double) throws -> [BlockID] {
        guard var state = requests[request] else { throw KVCacheError.unknownRequest(request) }
        expirePins(now: now)
        let tableCount = (state.tokens.count + newTokens.count + blockSize - 1) / blockSize
        let needed = tableCount - state.blockTable.count
        if needed > freeBlockCount + evictableBlockCount {
            throw KVCacheError.outOfBlocks(needed: needed, available: freeBlockCount + evictableBlockCount)
        }
        requests[request] = nil  // avoid a copy of `state` while it grows
        state.tokens += newTokens
        var added: [BlockID] = []
        for _ in 0..<max(needed, 0) { added.append(takeBlock(now: now)) }
        state.blockTable += added
        requests[request] = state
        debugCheck()
        return added
    }

    /// Marks the full blocks `blocks` of a request as computed: each gets its chained hash and
    /// is indexed, so later lookups can hit it. A block whose content is already indexed under
    /// another id is left unindexed (one canonical copy; it returns to the free pool on release).
    /// Blocks already indexed (hits, earlier commits) and partial blocks are skipped.
    public mutating func commit(_ request: RequestID, blocks: Range<Int>, now: Double) throws {
        guard var state = requests[request] else { throw KVCacheError.unknownRequest(request) }
        guard policy.reusesBlocks else { return }
        let fullCount = min(blocks.upperBound, state.tokens.count / blockSize)
        guard blocks.lowerBound < fullCount else { return }
        requests[request] = nil  // avoid copying `state` while it changes
        state.tokens.withUnsafeBufferPointer { buf in
            while state.hashes.count < fullCount {
                let i = state.hashes.count
                state.hashes.append(
                    PrefixHasher.hash(
                        parent: state.hashes.last, namespace: state.namespace,
                        tokens: UnsafeBufferPointer(rebasing: buf[i * blockSize ..< (i + 1) * blockSize])))
            }
            // Load the index slots and sketch lines first: independent loads whose cache misses
            // overlap, instead of one miss at a time in the loop below.
            state.hashes.withUnsafeBufferPointer { hs in
                let batch = UnsafeBufferPointer(rebasing: hs[blocks.lowerBound..<fullCount])
                prefetchSink &+= index.touch(batch) &+ frequency.touch(batch)
            }
            for i in blocks.lowerBound..<fullCount {
                let b = state.blockTable[i]
                if records[b.index].indexed { continue }
                let h = state.hashes[i]
                stats.commits += 1
                guard index.insert(h, b) else {
                    stats.duplicateCommits += 1
                    continue
                }
                indexBlock(b, hash: h, blockIndex: i, origin: state.origin, tokens: buf[i * blockSize ..< (i + 1) * blockSize])
                if i > 0, let p = indexedBlock(state.hashes[i - 1], likely: state.blockTable[i - 1]) {
                    records[b.index].link(toParent: p.index, generation: records[p.index].generation)
                    records[p.index].childCount += 1
                    policy.childCountChanged(facts(p), now: now)
                }
                if policy.observesUses { policy.recordUse(facts(b), now: now) }
            }
        }
        requests[request] = state
        generation &+= 1
        debugCheck()
    }

    /// The block indexed under `hash`; checks `likely` (usually the answer) before probing.
    private func indexedBlock(_ hash: BlockHash, likely: BlockID) -> BlockID? {
        if records[likely.index].indexed && hashOf[likely.index] == hash.rawValue { return likely }
        return index.block(for: hash)
    }

    private mutating func indexBlock(_ b: BlockID, hash: BlockHash, blockIndex: Int, origin: BlockOrigin, tokens: Slice<UnsafeBufferPointer<TokenID>>) {
        let i = b.index
        hashOf[i] = hash.rawValue
        records[i].indexed = true
        records[i].blockIndex = Int32(blockIndex)
        records[i].useCount = Int32(frequency.estimate(hash) + 1)
        records[i].origin = origin
        tokenStore.withUnsafeMutableBufferPointer { store in
            for j in 0..<blockSize { store[tokenBase + i * blockSize + j] = tokens[tokens.startIndex + j] }
        }
    }

    /// Unpins a request's blocks, tail first (finish, cancel or preemption). Committed blocks
    /// become cached (evictable, or pinned until `hints.pinUntil`); the others return to free.
    public mutating func release(_ request: RequestID, now: Double) throws {
        guard let state = requests.removeValue(forKey: request) else { throw KVCacheError.unknownRequest(request) }
        expirePins(now: now)
        let pinUntil = state.hints.pinUntil.flatMap { $0 > now ? $0 : nil }
        let caches = policy.reusesBlocks
        // Scratch arrays kept across calls: fresh ones of this size would come from pages the
        // allocator returned to the kernel, and cost a page fault every 4 KiB.
        var becameCached = scratchFacts
        var unused = scratchBlocks  // tail first
        scratchFacts = []
        scratchBlocks = []
        defer {
            becameCached.removeAll(keepingCapacity: true)
            unused.removeAll(keepingCapacity: true)
            scratchFacts = becameCached
            scratchBlocks = unused
        }
        let turns = state.hints.sessionID.flatMap { sessionTurns[$0] } ?? 0
        let cachesNow = caches && pinUntil == nil
        if cachesNow { becameCached.reserveCapacity(state.blockTable.count) }
        unused.reserveCapacity(state.blockTable.count)
        // One pass, tail first: unpin; a block whose last user this was becomes cached (its
        // facts are final: a release changes no child count or residency) or goes below.
        state.blockTable.withUnsafeBufferPointer { table in
            records.withUnsafeMutableBufferPointer { r in
                // The request's deepest committed block becomes the chain tip of all its blocks.
                var tip = ChainTip()
                var position = table.count - 1
                while position >= 0 {
                    let b = table[position].index
                    if r[b].indexed {
                        tip = ChainTip(block: Int32(b), generation: r[b].generation, position: Int32(position))
                        break
                    }
                    position -= 1
                }
                let readable = UnsafeBufferPointer(r)
                chainTips.withUnsafeMutableBufferPointer { tips in
                    for b in table.reversed() {
                        let i = b.index
                        r[i].refCount -= 1
                        tips[i] = tip
                        guard r[i].refCount == 0 else { continue }
                        if cachesNow && r[i].indexed {
                            becameCached.append(Self.facts(b, in: readable, sessionTurns: turns))
                        } else {
                            unused.append(b)
                        }
                    }
                }
            }
        }
        // Blocks not cached by the policy: pinned by a hint, or back to the free pool.
        for b in unused {
            let i = b.index
            if records[i].indexed && caches {
                if let t = pinUntil { pinned.set(i, key: EvictionKey(t, tieBreak: -Int64(records[i].blockIndex))) }
            } else {
                if records[i].indexed { evictContent(i, now: now, counted: false) }
                records[i].clearContent()
                freeBlocks.append(Int32(i))
            }
        }
        if !becameCached.isEmpty { policy.insert(becameCached, now: now) }
        debugCheck()
    }

    /// Moves pinned blocks whose time is up into the policy.
    mutating func expirePins(now: Double) {
        while let m = pinned.min, m.key.primary <= now {
            pinned.remove(m.item)
            policy.insert(facts(BlockID(m.item)), now: now)
        }
    }

    /// Drops a block's content: unindexes it, remembers its use count, updates its parent.
    mutating func evictContent(_ i: Int, now: Double, counted: Bool = true) {
        if records[i].indexed {
            let h = BlockHash(hashOf[i])
            index.remove(h, ifMappedTo: BlockID(i))
            frequency.remember(h, count: Int(records[i].useCount))
            if counted {
                stats.evictions += 1
                stats.evictedRebuildMs += costModel.segmentTime(
                    prefixLength: Int(records[i].blockIndex) * blockSize, chunkLength: blockSize)
            }
            if let p = linkedParent(i) {
                records[p].childCount -= 1
                policy.childCountChanged(facts(BlockID(p)), now: now)
            }
        }
        records[i].clearContent()
        generation &+= 1
    }
}
