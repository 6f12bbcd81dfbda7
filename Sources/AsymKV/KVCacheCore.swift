import AsymCore
import AsymCost

/// The state and logic of `KVCacheManager`. A struct, so that its per-block loops pay no
/// dynamic exclusivity check per element (the class pays one per public call).
struct KVCacheCore {
    public let blockCount: Int
    public let blockSize: Int
    public let costModel: CostModel
    public let policy: any EvictionPolicy
    public internal(set) var stats = KVCacheStats()

    // Per block (indexed by BlockID.index).
    var refCount: [Int32]
    var indexed: [Bool]
    var hashOf: [UInt64]
    var blockIndexOf: [Int32]
    var useCount: [Int32]
    var originOf: [BlockOrigin]
    /// Parent link for child counting: (parent block, its generation when linked).
    var parentLink: [(block: Int32, generation: UInt32)?]
    var childCount: [Int32]
    /// Bumped whenever a block loses its content (eviction or free).
    var generationOf: [UInt32]
    /// Tokens of committed blocks: block b holds `tokenStore[b*blockSize ..< (b+1)*blockSize]`.
    var tokenStore: [TokenID]

    var index: BlockHashIndex
    var freeBlocks: [Int32]
    /// Cached blocks kept by a `pinUntil` hint, keyed by that time.
    var pinned: IndexedMinHeap
    /// Use counts by hash of blocks that lost their content (resident blocks count in `useCount`).
    var frequency: FrequencySketch
    var requests: [RequestID: RequestState] = [:]
    /// Bumped whenever residency changes, so a stale `CacheLookup` is detected.
    var generation: UInt64 = 0
    /// Run `checkInvariants` after every mutation (debug builds, small pools only).
    public var checksEveryMutation: Bool

    struct RequestState {
        var tokens: [TokenID]
        var namespace: CacheNamespace
        var blockTable: [BlockID]
        /// Chained hashes of the first blocks, extended as blocks are committed.
        var hashes: [BlockHash]
        var committedCount: Int
        var hints: RequestHints
        var origin: BlockOrigin
    }

    public init(blockCount: Int, blockSize: Int = 16, policy: PolicyKind, costModel: CostModel) {
        self.init(
            blockCount: blockCount, blockSize: blockSize,
            policy: policy.makePolicy(blockCount: blockCount, blockSize: blockSize, costModel: costModel),
            costModel: costModel)
    }

    public init(blockCount: Int, blockSize: Int = 16, policy: any EvictionPolicy, costModel: CostModel) {
        precondition(blockCount > 0 && blockCount < Int(Int32.max) && blockSize > 0)
        self.blockCount = blockCount
        self.blockSize = blockSize
        self.policy = policy
        self.costModel = costModel
        refCount = [Int32](repeating: 0, count: blockCount)
        indexed = [Bool](repeating: false, count: blockCount)
        hashOf = [UInt64](repeating: 0, count: blockCount)
        blockIndexOf = [Int32](repeating: 0, count: blockCount)
        useCount = [Int32](repeating: 0, count: blockCount)
        originOf = [BlockOrigin](repeating: .fresh, count: blockCount)
        parentLink = Array(repeating: nil, count: blockCount)
        childCount = [Int32](repeating: 0, count: blockCount)
        generationOf = [UInt32](repeating: 0, count: blockCount)
        tokenStore = [TokenID](repeating: 0, count: blockCount * blockSize)
        index = BlockHashIndex(maxCount: blockCount)
        freeBlocks = (0..<Int32(blockCount)).reversed()
        pinned = IndexedMinHeap(capacity: blockCount)
        frequency = FrequencySketch(width: policy.reusesBlocks ? min(16 * blockCount, 1 << 22) : 16)
        #if DEBUG
            checksEveryMutation = blockCount <= 4096
        #else
            checksEveryMutation = false
        #endif
    }

    public var freeBlockCount: Int { freeBlocks.count }
    public var evictableBlockCount: Int { policy.count + pinned.count }
    public var usedBlockCount: Int { blockCount - freeBlockCount - evictableBlockCount }
    public func blockTable(of request: RequestID) -> [BlockID]? { requests[request]?.blockTable }
    public func isResident(_ hash: BlockHash) -> Bool { index.block(for: hash) != nil }

    // MARK: Lookup

    /// Which prompt blocks are resident (read-only apart from `stats.lookups`). With a
    /// prefix-closed policy the walk stops at the first miss; with holes it walks the whole
    /// hash chain and reports every resident block. Hits are verified token by token.
    public mutating func lookup(tokens: [TokenID], namespace: CacheNamespace = .shared) -> CacheLookup {
        stats.lookups += 1
        let matchable = tokens.isEmpty || !policy.reusesBlocks ? 0 : (tokens.count - 1) / blockSize
        var hits = [BlockID?](repeating: nil, count: matchable)
        var hashes: [BlockHash] = []
        hashes.reserveCapacity(matchable)
        // Hash a batch, then probe and verify it: the block digests are independent, so the
        // hashing loop runs at throughput, and the probe loop keeps several cache misses in
        // flight. Prefix-closed lookups stop at the first miss (batches of 64 bound the wasted
        // hashing); with holes the whole prompt is one batch.
        let batch = policy.allowsHoles ? max(matchable, 1) : 64
        tokens.withUnsafeBufferPointer { buf in
            var chain = PrefixHasher.root(namespace)
            var start = 0
            while start < matchable {
                let end = min(start + batch, matchable)
                for i in start..<end {
                    let digest = PrefixHasher.hashBlock(seed: 0, tokens: UnsafeBufferPointer(rebasing: buf[i * blockSize ..< (i + 1) * blockSize]))
                    chain = PrefixHasher.chain(chain, digest)
                    hashes.append(BlockHash(chain))
                }
                var missed = false
                for i in start..<end {
                    if let b = index.block(for: hashes[i]),
                        storedTokensEqual(b, UnsafeBufferPointer(rebasing: buf[i * blockSize ..< (i + 1) * blockSize]))
                    {
                        hits[i] = b
                    } else if !policy.allowsHoles {
                        missed = true
                        break
                    }
                }
                if missed { break }
                start = end
            }
        }
        return CacheLookup(tokenCount: tokens.count, blockSize: blockSize, hits: hits, hashes: hashes, generation: generation)
    }

    func storedTokensEqual(_ block: BlockID, _ tokens: UnsafeBufferPointer<TokenID>) -> Bool {
        tokenStore.withUnsafeBufferPointer { store in
            let base = block.index * blockSize
            for j in 0..<blockSize where store[base + j] != tokens[j] { return false }
            return true
        }
    }

    // MARK: Admission

    /// Pins the prompt's hits and allocates fresh blocks for every other block (evicting as the
    /// policy says). Fails with `outOfBlocks` and no side effect if the pool is too small.
    /// Fresh blocks are not hits for anyone until committed (`commit`).
    @discardableResult
    public mutating func admit(
        _ request: RequestID, tokens: [TokenID], namespace: CacheNamespace = .shared,
        hints: RequestHints = RequestHints(), now: Double, lookup given: CacheLookup? = nil
    ) throws -> Admission {
        guard requests[request] == nil else { throw KVCacheError.duplicateRequest(request) }
        var lookup = given ?? self.lookup(tokens: tokens, namespace: namespace)
        if lookup.generation != generation || lookup.tokenCount != tokens.count {
            lookup = self.lookup(tokens: tokens, namespace: namespace)
        }
        expirePins(now: now)
        let tableCount = (tokens.count + blockSize - 1) / blockSize
        var hitCount = 0, cachedHits = 0
        for case let b? in lookup.hits {
            hitCount += 1
            if refCount[b.index] == 0 { cachedHits += 1 }
        }
        let needed = tableCount - hitCount
        let available = freeBlockCount + evictableBlockCount - cachedHits
        guard needed <= available else { throw KVCacheError.outOfBlocks(needed: needed, available: available) }

        let first = lookup.hashes.first
        let origin: BlockOrigin =
            (lookup.hits.first ?? nil) != nil || (first.map { frequency.estimate($0) > 0 } ?? false) ? .continuation : .fresh
        for case let b? in lookup.hits { pinHit(b, now: now) }
        var table = [BlockID]()
        table.reserveCapacity(tableCount)
        for i in 0..<tableCount {
            if i < lookup.hits.count, let b = lookup.hits[i] { table.append(b) } else { table.append(takeBlock(now: now)) }
        }
        requests[request] = RequestState(
            tokens: tokens, namespace: namespace, blockTable: table, hashes: lookup.hashes, committedCount: 0,
            hints: hints, origin: origin)
        stats.admissions += 1
        stats.hitTokens += lookup.hitTokenCount
        stats.holeTokens += lookup.holeTokenCount
        stats.suffixTokens += lookup.suffixTokenCount
        debugCheck()
        return Admission(blockTable: table, lookup: lookup)
    }

    /// Reference count +1 on a hit; a cached block leaves the policy (or the pinned set).
    private mutating func pinHit(_ b: BlockID, now: Double) {
        let i = b.index
        if refCount[i] == 0 {
            policy.remove(b)
            pinned.remove(i)
        }
        refCount[i] += 1
        useCount[i] += 1
        if policy.observesUses { policy.recordUse(facts(b), now: now) }
    }

    /// A free block if any, else the policy's victim (then pinned blocks, earliest expiry first).
    mutating func takeBlock(now: Double) -> BlockID {
        let i: Int
        if let f = freeBlocks.popLast() {
            i = Int(f)
        } else if let v = policy.popVictim(now: now) {
            i = v.index
            evictContent(i, now: now)
        } else if let p = pinned.popMin() {
            i = p.item
            evictContent(i, now: now)
        } else {
            preconditionFailure("takeBlock: pool exhausted; callers check capacity first")
        }
        refCount[i] = 1
        return BlockID(i)
    }

    func facts(_ b: BlockID) -> BlockFacts {
        let i = b.index
        return BlockFacts(
            block: b, blockIndex: Int(blockIndexOf[i]), parentResident: linkedParent(i) != nil,
            residentChildCount: Int(childCount[i]), useCount: Int(useCount[i]), origin: originOf[i])
    }

    /// The parent block `i` was linked to, if it still holds the same content.
    func linkedParent(_ i: Int) -> Int? {
        guard let link = parentLink[i], generationOf[Int(link.block)] == link.generation, indexed[Int(link.block)]
        else { return nil }
        return Int(link.block)
    }
}
