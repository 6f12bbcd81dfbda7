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

    /// Per block (indexed by `BlockID.index`): everything but the hash and the tokens, so that
    /// the bookkeeping of a hit or a release costs one cache line per block.
    var records: [BlockRecord]
    /// Per block: the deepest committed block of the request that last released it (block,
    /// generation, position), so a later hit can tell a request that EXTENDS that request (the
    /// next turn of the same conversation) from one that branches off (a new user of a shared
    /// prefix). Only branching hits count as uses: a conversation's early blocks are not more
    /// likely to be reused than its late ones just because every turn passed through them.
    var chainTips: [ChainTip]
    /// Chained hash of each indexed block (read on commit and eviction only).
    var hashOf: [UInt64]
    /// Tokens of committed blocks: block b holds
    /// `tokenStore[tokenBase + b*blockSize ..< tokenBase + (b+1)*blockSize]`.
    var tokenStore: [TokenID]
    /// Where block 0's tokens start: chosen so that they start on a 64-byte line, and a
    /// 16-token block fills exactly one line (a verification then loads one line, not two).
    let tokenBase: Int

    var index: BlockHashIndex
    var freeBlocks: [Int32]
    /// Cached blocks kept by a `pinUntil` hint, keyed by that time.
    var pinned: IndexedMinHeap
    /// Use counts by hash of blocks that lost their content (resident blocks count in `useCount`).
    var frequency: FrequencySketch
    var requests: [RequestID: RequestState] = [:]
    /// Turns admitted per session id.
    var sessionTurns: [SessionID: Int] = [:]
    /// Bumped whenever residency changes, so a stale `CacheLookup` is detected.
    var generation: UInt64 = 0
    /// Run `checkInvariants` after every mutation (debug builds, small pools only).
    public var checksEveryMutation: Bool
    /// Reused by `admit` and `release` (empty between calls).
    var scratchFacts: [BlockFacts] = []
    var scratchBlocks: [BlockID] = []
    /// Receives the values `lookup` loads ahead of its probes, so those loads are kept.
    var prefetchSink: UInt32 = 0

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
        var records = [BlockRecord](repeating: BlockRecord(), count: blockCount)
        HugePages.advise(&records)
        self.records = records
        chainTips = [ChainTip](repeating: ChainTip(), count: blockCount)
        hashOf = [UInt64](repeating: 0, count: blockCount)
        var store = [TokenID](repeating: 0, count: blockCount * blockSize + 16)
        HugePages.advise(&store)
        tokenBase = store.withUnsafeBufferPointer { (64 - Int(bitPattern: $0.baseAddress!) % 64) % 64 / 4 }
        tokenStore = store
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
        var hashes = [BlockHash](repeating: BlockHash(0), count: matchable)
        var hashed = 0
        // Three passes per batch: hash (the block digests are independent, so the loop runs at
        // throughput), touch each hash's home slot (independent loads, so the cache misses
        // overlap), then probe and verify. Prefix-closed lookups stop at the first miss
        // (batches of 64 bound the wasted hashing); with holes the whole prompt is one batch.
        let batch = policy.allowsHoles ? max(matchable, 1) : 64
        let size = blockSize
        let allowsHoles = policy.allowsHoles
        tokens.withUnsafeBufferPointer { buf in
            hashes.withUnsafeMutableBufferPointer { hs in
                hits.withUnsafeMutableBufferPointer { hb in
                    tokenStore.withUnsafeBufferPointer { store in
                        index.withProbe { probe in
                            let stored = store.baseAddress! + tokenBase
                            var chain = PrefixHasher.root(namespace)
                            var start = 0
                            while start < matchable {
                                let end = min(start + batch, matchable)
                                Self.chainHashes(start..<end, tokens: buf, blockSize: size, chain: &chain, into: hs)
                                hashed = end
                                // Touch the home slots and the tokens of the blocks they hold.
                                var sink: UInt32 = 0
                                for i in start..<end {
                                    if let b = probe.blockInHomeSlot(of: hs[i]) { sink &+= UInt32(bitPattern: stored[b.index * size]) }
                                }
                                prefetchSink &+= sink
                                let missed = Self.probeAndVerify(
                                    start..<end, hashes: hs, tokens: buf.baseAddress!, stored: stored, blockSize: size,
                                    probe: probe, stopAtMiss: !allowsHoles, into: hb)
                                if missed { break }
                                start = end
                            }
                        }
                    }
                }
            }
        }
        hashes.removeLast(matchable - hashed)
        return CacheLookup(tokenCount: tokens.count, blockSize: blockSize, hits: hits, hashes: hashes, generation: generation)
    }

    /// Chained hashes of the blocks of `range` into `hashes`, continuing from `chain`. The usual
    /// 16-token block gets its own loop, where the digest's length is a constant and unrolls.
    @inline(__always)
    static func chainHashes(
        _ range: Range<Int>, tokens: UnsafeBufferPointer<TokenID>, blockSize size: Int, chain: inout UInt64,
        into hashes: UnsafeMutableBufferPointer<BlockHash>
    ) {
        let base = tokens.baseAddress!
        if size == 16 {
            for i in range {
                let digest = PrefixHasher.hashBlock(seed: 0, tokens: UnsafeBufferPointer(start: base + i * 16, count: 16))
                chain = PrefixHasher.chain(chain, digest)
                hashes[i] = BlockHash(chain)
            }
        } else {
            for i in range {
                let digest = PrefixHasher.hashBlock(seed: 0, tokens: UnsafeBufferPointer(start: base + i * size, count: size))
                chain = PrefixHasher.chain(chain, digest)
                hashes[i] = BlockHash(chain)
            }
        }
    }

    /// Sets `hits[i]` for each block of `range` that the index maps and whose stored tokens
    /// equal the prompt's. Returns whether it stopped at a miss (only with `stopAtMiss`).
    @inline(__always)
    static func probeAndVerify(
        _ range: Range<Int>, hashes: UnsafeMutableBufferPointer<BlockHash>, tokens: UnsafePointer<TokenID>,
        stored: UnsafePointer<TokenID>, blockSize size: Int, probe: BlockHashIndex.Probe, stopAtMiss: Bool,
        into hits: UnsafeMutableBufferPointer<BlockID?>
    ) -> Bool {
        for i in range {
            // A constant 16 lets the comparison unroll into two 8-lane compares.
            if let b = probe.block(for: hashes[i]),
                size == 16
                    ? tokensEqual(stored + b.index * 16, tokens + i * 16, count: 16)
                    : tokensEqual(stored + b.index * size, tokens + i * size, count: size)
            {
                hits[i] = b
            } else if stopAtMiss {
                return true
            }
        }
        return false
    }

    /// Whether `count` tokens at `a` and `b` are equal (8 at a time, then one by one).
    @inline(__always)
    static func tokensEqual(_ a: UnsafePointer<TokenID>, _ b: UnsafePointer<TokenID>, count: Int) -> Bool {
        var j = 0
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        while j + 8 <= count {
            let x = ra.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Int32>.self)
            let y = rb.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Int32>.self)
            if any(x .!= y) { return false }
            j += 8
        }
        while j < count {
            if a[j] != b[j] { return false }
            j += 1
        }
        return true
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
        let cachedHits = records.withUnsafeBufferPointer { r in
            var n = 0
            for case let b? in lookup.hits where r[b.index].refCount == 0 { n += 1 }
            return n
        }
        let needed = tableCount - lookup.hitBlockCount
        let available = freeBlockCount + evictableBlockCount - cachedHits
        guard needed <= available else { throw KVCacheError.outOfBlocks(needed: needed, available: available) }

        let first = lookup.hashes.first
        let origin: BlockOrigin =
            (lookup.hits.first ?? nil) != nil || (first.map { frequency.estimate($0) > 0 } ?? false) ? .continuation : .fresh
        pinHits(lookup.hits, now: now)
        let table = [BlockID](unsafeUninitializedCapacity: tableCount) { out, initialized in
            lookup.hits.withUnsafeBufferPointer { hits in
                for i in 0..<tableCount {
                    out[i] = (i < hits.count ? hits[i] : nil) ?? takeBlock(now: now)
                }
            }
            initialized = tableCount
        }
        if let session = hints.sessionID { sessionTurns[session, default: 0] += 1 }
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

    /// Reference count +1 on each hit; cached blocks leave the policy (or the pinned set), in
    /// one batch.
    private mutating func pinHits(_ hits: [BlockID?], now: Double) {
        var leaving = scratchBlocks  // reused: see `release`
        scratchBlocks = []
        defer {
            leaving.removeAll(keepingCapacity: true)
            scratchBlocks = leaving
        }
        let checkPinned = !pinned.isEmpty
        let tips = chainTips
        records.withUnsafeMutableBufferPointer { r in
            // Whether this request passes through the tip of the request that last released `i`
            // and goes on beyond it (a repeat of the same prompt is a use; its extension is not).
            func extends(_ i: Int) -> Bool {
                let tip = tips[i]
                guard tip.position >= 0, Int(tip.position) + 1 < hits.count, let t = hits[Int(tip.position)] else { return false }
                return t.index == Int(tip.block) && r[t.index].generation == tip.generation
            }
            for case let b? in hits {
                let i = b.index
                if r[i].refCount == 0 {
                    leaving.append(b)
                    if checkPinned { pinned.remove(i) }
                }
                r[i].refCount += 1
                if !extends(i) { r[i].useCount += 1 }
            }
        }
        if !leaving.isEmpty { policy.remove(leaving) }
        if policy.observesUses {
            for case let b? in hits { policy.recordUse(facts(b), now: now) }
        }
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
        records[i].refCount = 1
        return BlockID(i)
    }

    /// What the policy is told about block `b`; `sessionTurns` only on release.
    func facts(_ b: BlockID, sessionTurns: Int = 0) -> BlockFacts {
        records.withUnsafeBufferPointer { Self.facts(b, in: $0, sessionTurns: sessionTurns) }
    }

    @inline(__always)
    static func facts(_ b: BlockID, in r: UnsafeBufferPointer<BlockRecord>, sessionTurns: Int = 0) -> BlockFacts {
        let rec = r[b.index]
        return BlockFacts(
            block: b, blockIndex: Int(rec.blockIndex), residentChildCount: Int(rec.childCount), useCount: Int(rec.useCount),
            sessionTurns: sessionTurns, parentResident: r.linkedParent(of: b.index) != nil, origin: rec.origin)
    }

    /// The parent block `i` was linked to, if it still holds the same content.
    func linkedParent(_ i: Int) -> Int? {
        guard let link = records[i].parentLink, records[link.block].generation == link.generation,
            records[link.block].indexed
        else { return nil }
        return link.block
    }
}
