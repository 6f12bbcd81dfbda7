import AsymCore
import AsymCost
import Testing
@testable import AsymKV

/// Hand-built scenarios with a known eviction order (block size 4).
@Suite("KVCacheManager scenarios")
struct KVCacheScenarioTests {
    @Test func lruPrefixEvictsTailFirstWithinARequestAndLRUAcrossRequests() throws {
        let m = makeManager(.lruPrefix, blocks: 8)
        let a = tokens(1, 13), b = tokens(2, 13)  // 4 blocks each; 3 full, committed
        try m.admit(RequestID(1), tokens: a, now: 0)
        try m.admit(RequestID(2), tokens: b, now: 0)
        try m.commit(RequestID(1), blocks: 0..<4, now: 0)
        try m.commit(RequestID(2), blocks: 0..<4, now: 0)
        let tableA = m.blockTable(of: RequestID(1))!, tableB = m.blockTable(of: RequestID(2))!
        try m.release(RequestID(1), now: 1)
        try m.release(RequestID(2), now: 2)
        let order = (m.policy as! LRUPrefixPolicy).evictionOrder
        #expect(order == [tableA[2], tableA[1], tableA[0], tableB[2], tableB[1], tableB[0]].map(\.index))
        // 2 partial blocks went back to free; a 5-block prompt takes them and evicts 3: A's.
        try m.admit(RequestID(3), tokens: tokens(3, 20), now: 3)
        #expect(m.hitIndices(a).isEmpty)
        #expect(m.hitIndices(b) == [0, 1, 2])
        #expect(m.stats.evictions == 3)
        try m.checkInvariants()
    }

    @Test func lruPrefixHitMovesABlockOutOfTheQueue() throws {
        let m = makeManager(.lruPrefix, blocks: 8)
        try m.cache(1, tokens(1, 13), now: 0)
        try m.cache(2, tokens(2, 13), now: 1)
        try m.cache(3, tokens(1, 13), now: 2)  // A hit again: A is now the most recent
        try m.admit(RequestID(4), tokens: tokens(4, 20), now: 3)  // 2 free + 3 evictions: all of B
        #expect(m.hitIndices(tokens(2, 13)).isEmpty)
        #expect(m.hitIndices(tokens(1, 13)) == [0, 1, 2])
    }

    @Test func radixLRUEvictsOnlyLeaves() throws {
        let m = makeManager(.radixLRU, blocks: 7)
        let shared = tokens(9, 8)
        let a = shared + tokens(1, 9), b = shared + tokens(2, 9)  // blocks: S0 S1 x2 x3 + partial
        try m.cache(1, a, now: 1)
        try m.cache(2, b, now: 2)
        // 7 blocks: S0 S1 a2 a3 b2 b3 cached; the two partial ones freed. Free holds 1+? Take all.
        #expect(m.evictableBlockCount == 6)
        var evictedOrder: [String] = []
        let names: [(String, [TokenID], Int)] = [("S0", a, 0), ("S1", a, 1), ("a2", a, 2), ("a3", a, 3), ("b2", b, 2), ("b3", b, 3)]
        var resident = Set(names.map(\.0))
        for k in 0..<6 {
            try m.admit(RequestID(UInt64(10 + k)), tokens: tokens(20 + k, 4 * (m.freeBlockCount + 1)), now: 3)
            let now = Set(names.filter { m.lookup(tokens: $0.1).hits.count > $0.2 && residentBlock(m, $0.1, $0.2) }.map(\.0))
            evictedOrder += resident.subtracting(now).sorted()
            resident = now
            try m.release(RequestID(UInt64(10 + k)), now: 3)
        }
        #expect(evictedOrder == ["a3", "a2", "b3", "b2", "S1", "S0"])
    }

    /// Whether block `i` of `prompt` is resident, whatever the lookup semantics.
    private func residentBlock(_ m: KVCacheManager, _ prompt: [TokenID], _ i: Int) -> Bool {
        m.isResident(PrefixHasher.blockHashes(of: prompt, blockSize: m.blockSize)[i])
    }

    @Test func asymKeepsDeepBlocksAndEvictsCheapOnes() throws {
        let m = makeManager(.asym, blocks: 64, blockSize: 16)
        let long = tokens(1, 48 * 16 + 1)
        try m.cache(1, long, now: 0)  // 48 cached blocks, 16 free
        try m.admit(RequestID(2), tokens: tokens(2, 32 * 16), now: 1)  // needs 32: evicts 16
        let hits = m.hitIndices(long)
        #expect(hits == Array(16..<48), "the 16 shallowest (cheapest) blocks go first")
        let l = m.lookup(tokens: long)
        #expect(l.holes == [0..<256])
        #expect(l.suffix == 768..<769)

        let lru = makeManager(.lruPrefix, blocks: 64, blockSize: 16)
        try lru.cache(1, long, now: 0)
        try lru.admit(RequestID(2), tokens: tokens(2, 32 * 16), now: 1)
        #expect(lru.hitIndices(long) == Array(0..<32), "vLLM evicts the 16 deepest blocks")
        #expect(m.costModel.rebuildTime(l.segmentsToCompute) < lru.costModel.rebuildTime(lru.lookup(tokens: long).segmentsToCompute))
    }

    @Test func aLostMiddleBlockIsAHoleNotALostSuffix() throws {
        for kind in [PolicyKind.asym, .lruPrefix] {
            let m = makeManager(kind, blocks: 10)
            let prompt = tokens(1, 33)  // 8 full blocks + 1
            try m.cache(1, prompt, now: 0)
            let middle = PrefixHasher.blockHashes(of: prompt, blockSize: 4)[3]
            let victim = m.core.index.block(for: middle)!
            m.core.policy.remove(victim)  // force this eviction: take the block out and reuse it
            m.core.evictContent(victim.index, now: 1)
            m.core.freeBlocks.append(Int32(victim.index))
            try m.checkInvariants()
            let l = m.lookup(tokens: prompt)
            if kind == .asym {
                #expect(l.holes == [12..<16])
                #expect(l.suffix == 32..<33)
                #expect(l.hitTokenCount == 28)
            } else {
                #expect(l.holes.isEmpty)
                #expect(l.suffix == 12..<33)
            }
        }
    }

    @Test func theLastPromptTokenIsAlwaysComputed() throws {
        let m = makeManager(.asym, blocks: 8)
        try m.cache(1, tokens(1, 8), now: 0)  // exactly 2 blocks
        let l = m.lookup(tokens: tokens(1, 8))
        #expect(l.hits.count == 1)
        #expect(l.suffix == 4..<8)
    }

    @Test func admissionFailsWithoutSideEffects() throws {
        for kind in PolicyKind.allCases {
            let m = makeManager(kind, blocks: 6)
            try m.cache(1, tokens(1, 12), now: 0)
            try m.admit(RequestID(2), tokens: tokens(2, 8), now: 0)
            var before = (m.freeBlockCount, m.evictableBlockCount, m.usedBlockCount, m.stats)
            #expect(throws: KVCacheError.self) { try m.admit(RequestID(3), tokens: tokens(3, 40), now: 1) }
            before.3.lookups += 1  // the failed admission's own lookup is the only change
            #expect(before == (m.freeBlockCount, m.evictableBlockCount, m.usedBlockCount, m.stats))
            try m.checkInvariants()
        }
    }

    @Test func pinnedBlocksGoLastUntilTheirTimeIsUp() throws {
        let m = makeManager(.lruPrefix, blocks: 6)
        try m.cache(1, tokens(1, 9), now: 0, hints: RequestHints(pinUntil: 10))  // 2 pinned
        try m.cache(2, tokens(2, 9), now: 1)  // 2 cached, released later
        try m.admit(RequestID(3), tokens: tokens(3, 16), now: 2)  // 2 free + 2 evictions
        #expect(m.hitIndices(tokens(1, 9)) == [0, 1])
        #expect(m.hitIndices(tokens(2, 9)).isEmpty)
        try m.release(RequestID(3), now: 2)
        try m.cache(4, tokens(4, 9), now: 11)  // pins expired: request 1 is now the oldest
        try m.admit(RequestID(5), tokens: tokens(5, 16), now: 12)  // 2 free + 2 evictions
        #expect(m.hitIndices(tokens(1, 9)).isEmpty)
        #expect(m.hitIndices(tokens(4, 9)) == [0, 1])
    }

    @Test func duplicateCommitsKeepOneCanonicalBlock() throws {
        let m = makeManager(.asym, blocks: 8)
        try m.admit(RequestID(1), tokens: tokens(1, 9), now: 0)
        try m.admit(RequestID(2), tokens: tokens(1, 9), now: 0)  // both miss: computed twice
        try m.commit(RequestID(1), blocks: 0..<3, now: 0)
        try m.commit(RequestID(2), blocks: 0..<3, now: 0)
        #expect(m.stats.duplicateCommits == 2)
        try m.release(RequestID(1), now: 1)
        try m.release(RequestID(2), now: 1)
        #expect(m.evictableBlockCount == 2)
        #expect(m.freeBlockCount == 6)
        try m.checkInvariants()
    }

    @Test func noneNeverReuses() throws {
        let m = makeManager(.none, blocks: 8)
        try m.cache(1, tokens(1, 9), now: 0)
        #expect(m.hitIndices(tokens(1, 9)).isEmpty)
        #expect(m.freeBlockCount == 8)
    }

    @Test func decodeAppendsBlocksAndCommitsThem() throws {
        let m = makeManager(.lruPrefix, blocks: 8)
        try m.admit(RequestID(1), tokens: tokens(1, 7), now: 0)
        #expect(try m.appendTokens(tokens(1, 1, from: 7), to: RequestID(1), now: 0).isEmpty)
        #expect(try m.appendTokens(tokens(1, 1, from: 8), to: RequestID(1), now: 0).count == 1)
        try m.commit(RequestID(1), blocks: 0..<3, now: 0)
        try m.release(RequestID(1), now: 1)
        #expect(m.hitIndices(tokens(1, 10)) == [0, 1])
    }
}
