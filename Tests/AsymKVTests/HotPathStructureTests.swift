import AsymCore
import AsymCost
import Testing
@testable import AsymKV

/// The data structures of the hot path: the hash index, the lazy-removal heap, verification.
@Suite("Hot path structures")
struct HotPathStructureTests {
    @Test func indexProbesPastCollidingHomeSlotsAndShiftsBackOnRemoval() {
        var index = BlockHashIndex(maxCount: 8)  // 16 slots: keys equal mod 16 share a home slot
        let keys = [3, 19, 35, 4].map { BlockHash(UInt64($0)) }
        for (k, h) in keys.enumerated() {
            let inserted = index.insert(h, BlockID(Int32(k)))
            #expect(inserted)
        }
        let again = index.insert(keys[1], BlockID(9))
        #expect(!again, "a present key is not inserted twice")
        #expect(index.blockInHomeSlot(of: keys[2]) == BlockID(0), "home slot 3 holds the first key")
        for (k, h) in keys.enumerated() { #expect(index.block(for: h) == BlockID(Int32(k))) }
        index.remove(keys[0], ifMappedTo: BlockID(5))  // wrong block: no effect
        #expect(index.count == 4)
        index.remove(keys[0], ifMappedTo: BlockID(0))
        #expect(index.block(for: keys[0]) == nil)
        for k in 1..<4 { #expect(index.block(for: keys[k]) == BlockID(Int32(k)), "key \(k) still found") }
        #expect(index.blockInHomeSlot(of: keys[1]) == BlockID(1), "19 shifted back into its home slot")
        #expect(index.count == 3)
    }

    @Test func aHashHitWithOtherTokensIsNotAHit() throws {
        let m = makeManager(.asym, blocks: 16)
        let a = tokens(1, 9), b = tokens(2, 9)
        try m.cache(1, a, now: 0)
        // Forge a collision: map b's first block hash to the block that holds a's tokens.
        let ha = PrefixHasher.blockHashes(of: a, blockSize: 4)[0], hb = PrefixHasher.blockHashes(of: b, blockSize: 4)[0]
        let block = m.core.index.block(for: ha)!
        let inserted = m.core.index.insert(hb, block)
        #expect(inserted)
        #expect(m.lookup(tokens: b).hits[0] == nil, "tokens are verified on every hit")
        #expect(m.lookup(tokens: a).hits[0] == block)
    }

    @Test func lazyHeapPopsLiveItemsInKeyOrderAndCompacts() {
        var heap = LazyMinHeap(capacity: 1000)
        for i in 0..<1000 { heap.set(i, key: EvictionKey(Double((i * 7919) % 1000))) }
        for i in stride(from: 0, to: 1000, by: 2) { heap.remove(i) }  // retire half
        heap.set(1, key: EvictionKey(-1))  // re-key: the old entry is retired
        #expect(heap.count == 500)
        #expect(heap.entryCount <= 2 * heap.count + 64, "retired entries are compacted away")
        var popped: [(Int, Double)] = []
        while let top = heap.popMin() { popped.append((top.item, top.key.primary)) }
        #expect(popped.count == 500)
        #expect(popped.first! == (1, -1))
        #expect(popped.allSatisfy { $0.0 % 2 == 1 })
        #expect(zip(popped, popped.dropFirst()).allSatisfy { $0.1 <= $1.1 })
        #expect(heap.isEmpty && !heap.contains(1))
    }

    @Test func lazyHeapOrdersFewLatePushesOneByOneAndManyByARebuild() {
        var heap = LazyMinHeap(capacity: 200)
        for i in 0..<100 { heap.set(i, key: EvictionKey(Double(100 - i))) }
        #expect(heap.popMin()?.item == 99, "100 pending entries: rebuilt, then the smallest key")
        heap.set(150, key: EvictionKey(0.5))  // 1 pending of 99 ordered: sifted up
        heap.set(151, key: EvictionKey(99.5))
        heap.set(3, key: EvictionKey(-2))  // re-key while a member
        var popped: [Int] = []
        while let top = heap.popMin() { popped.append(top.item) }
        #expect(Array(popped.prefix(3)) == [3, 150, 98])
        #expect(popped.count == 101 && Set(popped).count == 101)
        #expect(popped.firstIndex(of: 151)! == popped.firstIndex(of: 0)! - 1, "99.5 pops just before 100")
        #expect(heap.isEmpty && !heap.contains(3))
    }

    @Test func blockListBatchesKeepOrderAndMembership() {
        var list = BlockList(capacity: 10)
        list.append(contentsOf: [4, 2, 7, 1])
        list.remove(contentsOf: [2, 9, 1])  // 9 is not listed: ignored
        list.append(contentsOf: [1, 0])
        #expect(list.elements == [4, 7, 1, 0])
        #expect(list.count == 4 && list.contains(1) && !list.contains(2))
        #expect(list.popFirst() == 4 && list.first == 7)
        list.remove(contentsOf: [7, 1, 0])
        #expect(list.isEmpty && list.first == nil && list.elements.isEmpty)
    }

    @Test func blockRecordIsHalfALineAndItsParentLinkGoesStaleWithTheParent() throws {
        #expect(MemoryLayout<BlockRecord>.stride == 32)
        let m = makeManager(.asym, blocks: 16)
        let prompt = tokens(1, 9)
        try m.cache(1, prompt, now: 0)
        let hashes = PrefixHasher.blockHashes(of: prompt, blockSize: 4)
        let parent = m.core.index.block(for: hashes[0])!, child = m.core.index.block(for: hashes[1])!
        #expect(m.core.linkedParent(child.index) == parent.index)
        #expect(m.core.records[parent.index].childCount == 1)
        m.core.policy.remove(parent)
        m.core.evictContent(parent.index, now: 1)
        #expect(m.core.linkedParent(child.index) == nil, "the parent's generation moved on")
        #expect(m.core.records[parent.index].childCount == 0 && !m.core.records[parent.index].indexed)
        m.core.freeBlocks.append(Int32(parent.index))
        try m.checkInvariants()
    }

    @Test(arguments: [0.0, 2.0])
    func sessionTurnsReachThePolicyAndTheBonusKeepsALiveSession(bonus: Double) throws {
        let model = testCostModel
        let asym = AsymPolicy(blockCount: 12, blockSize: 4, costModel: model, allowsHoles: true, sessionBonus: bonus)
        let m = KVCacheManager(blockCount: 12, blockSize: 4, policy: asym, costModel: model)
        let chat = SessionID(7)
        let turn1 = tokens(1, 9), turn2 = tokens(1, 13), other = tokens(2, 13)
        try m.cache(1, turn1, now: 0, hints: RequestHints(sessionID: chat))
        try m.cache(2, turn2, now: 1, hints: RequestHints(sessionID: chat))  // extends turn 1: no new uses
        try m.cache(3, other, now: 2)  // no session, used twice
        try m.cache(4, other, now: 2)
        #expect(m.core.sessionTurns[chat] == 2)
        // 6 cached, 6 free; a 7-block prompt evicts one. The session's blocks count one use each
        // (turn 2 only extended turn 1), the other prompt's two (it was repeated): without a bonus
        // the session's block 0 (cheapest position) goes, leaving a hole; with a bonus of 2 the
        // session's blocks count three uses and the other prompt's block 0 goes instead.
        try m.admit(RequestID(5), tokens: tokens(3, 28), now: 3)
        #expect(m.hitIndices(turn2 + [0]) == (bonus == 0 ? [1, 2] : [0, 1, 2]))
        #expect(m.hitIndices(other + [0]) == (bonus == 0 ? [0, 1, 2] : [1, 2]))
        try m.checkInvariants()
    }

    @Test func onlyBranchingAndRepeatingHitsCountAsUses() throws {
        let m = makeManager(.asym, blocks: 32)
        func uses(_ prompt: [TokenID], block: Int) -> Int32 {
            let h = PrefixHasher.blockHashes(of: prompt, blockSize: 4)[block]
            return m.core.records[m.core.index.block(for: h)!.index].useCount
        }
        let turn1 = tokens(1, 9), turn2 = tokens(1, 17), turn3 = tokens(1, 25)
        try m.cache(1, turn1, now: 0)
        try m.cache(2, turn2, now: 1)  // the next turn of the same conversation: extends turn 1
        try m.cache(3, turn3, now: 2)
        #expect(uses(turn3, block: 0) == 1 && uses(turn3, block: 1) == 1 && uses(turn3, block: 4) == 1,
                "a conversation's early blocks gain no uses from its own later turns")
        let branch = Array(turn1[0 ..< 4]) + tokens(9, 8)  // shares block 0, then differs
        try m.cache(4, branch, now: 3)
        #expect(uses(turn3, block: 0) == 2 && uses(turn3, block: 1) == 1)
        try m.cache(5, branch, now: 4)  // the same prompt again is a use
        #expect(uses(branch, block: 1) == 2)
        try m.checkInvariants()
    }
}
