import AsymCore
import AsymCost
import Testing
@testable import AsymKV

/// The `asym-recency` policy (`RecencyCostPolicy`): learned recency × position-aware rebuild cost.
@Suite("RecencyCostPolicy")
struct RecencyCostPolicyTests {
    /// Attention-heavy round numbers: a block of 4 tokens at position p costs 4.16 + 0.08·p ms
    /// (plus 0.001·p when it opens a hole), so depth matters.
    static let costModel = CostModel(coefficients: .init(constant: 5, perPrefix: 0.001, perToken: 1, perAttended: 0.01))

    static func facts(_ block: Int, depth: Int, uses: Int = 1, parent: Bool = false, children: Int = 0) -> BlockFacts {
        BlockFacts(block: BlockID(block), blockIndex: depth, residentChildCount: children, useCount: uses,
                   sessionTurns: 0, parentResident: parent, origin: .fresh)
    }

    /// Teaches `policy` a reuse time scale of 1: 100 hits of block 0 after 1 time unit idle each.
    /// Returns the time after the training.
    static func teachTimeScaleOne(_ policy: RecencyCostPolicy) -> Double {
        for k in 0..<100 {
            let t = Double(2 * k)
            policy.insert(facts(0, depth: 0), now: t)
            policy.remove(BlockID(0))
            policy.recordUse(facts(0, depth: 0, uses: 2), now: t + 1)
        }
        return 200
    }

    static func drain(_ policy: RecencyCostPolicy, now: Double) -> [Int] {
        var order: [Int] = []
        while let v = policy.popVictim(now: now) { order.append(v.index) }
        return order
    }

    @Test func learnsTheMeanIdleTimeOfHits() {
        let p = RecencyCostPolicy(blockCount: 64, blockSize: 4, costModel: Self.costModel, allowsHoles: true)
        #expect(p.timeScale == 0, "nothing learned: pure recency")
        _ = Self.teachTimeScaleOne(p)
        #expect(abs(p.timeScale - 1) < 1e-9)
    }

    @Test func costWinsWithinTheTimeScaleRecencyBeyondIt() {
        let p = RecencyCostPolicy(blockCount: 64, blockSize: 4, costModel: Self.costModel, allowsHoles: true)
        let t = Self.teachTimeScaleOne(p)
        // Deep blocks cost 36.16 ms, shallow ones 4.16: ln(36.16/4.16) ≈ 2.2 time scales of credit.
        p.insert(Self.facts(1, depth: 100), now: t)  // deep, released first
        p.insert(Self.facts(2, depth: 0), now: t + 1)  // shallow, 1 scale later: still cheaper to lose
        p.insert(Self.facts(3, depth: 100), now: t + 10)  // deep, but idle 5 scales longer than block 4
        p.insert(Self.facts(4, depth: 0), now: t + 15)
        #expect(Self.drain(p, now: t + 16) == [2, 1, 3, 4])
    }

    @Test func anIdleConversationGoesBeforeALiveOneEvenWhenDeeper() throws {
        let m = KVCacheManager(blockCount: 40, blockSize: 4, policy: .asymRecency, costModel: Self.costModel)
        m.checksEveryMutation = true
        // Teach a time scale of about 1: a short prompt reused every time unit.
        let warm = tokens(9, 9)
        for k in 0..<70 { try m.cache(UInt64(1000 + k), warm, now: Double(k)) }
        let ended = tokens(1, 4 * 12 + 1), live = tokens(2, 4 * 3 + 1)
        try m.cache(1, ended, now: 70)  // 12 blocks, then the conversation ends
        try m.cache(2, live, now: 75)  // 3 shallow blocks, released 5 time scales later
        try m.cache(1070, warm, now: 76)  // the warm prompt stays the most recent
        // 40 blocks: 2 warm + 12 + 3 cached, 23 free. A new request of 30 blocks evicts 7.
        try m.admit(RequestID(3), tokens: tokens(3, 4 * 30), now: 77)
        #expect(m.hitIndices(live) == [0, 1, 2], "the live conversation keeps its blocks")
        #expect(m.hitIndices(ended) == Array(7..<12), "the idle one loses its shallow blocks: a hole")
        try m.checkInvariants()

        // GreedyDual-Size-Frequency (clock still 0) evicts by cost alone: the live shallow blocks go.
        let gdsf = KVCacheManager(blockCount: 40, blockSize: 4, policy: .asym, costModel: Self.costModel)
        for k in 0..<70 { try gdsf.cache(UInt64(1000 + k), warm, now: Double(k)) }
        try gdsf.cache(1, ended, now: 70)
        try gdsf.cache(2, live, now: 75)
        try gdsf.cache(1070, warm, now: 76)
        try gdsf.admit(RequestID(3), tokens: tokens(3, 4 * 30), now: 77)
        #expect(gdsf.hitIndices(live).isEmpty)
    }

    @Test func withinOneChainTheShallowBlocksGoFirst() throws {
        let m = KVCacheManager(blockCount: 16, blockSize: 4, policy: .asymRecency, costModel: Self.costModel)
        let chain = tokens(1, 4 * 10 + 1)
        try m.cache(1, chain, now: 0)  // 10 cached, 6 free
        try m.admit(RequestID(2), tokens: tokens(2, 4 * 9), now: 1)  // 9 blocks: 3 evictions
        #expect(m.hitIndices(chain) == Array(3..<10), "one hole at the front, the deep suffix kept")
        try m.checkInvariants()
    }

    @Test func aHoleGrowsRatherThanANewOneOpening() throws {
        let p = RecencyCostPolicy(blockCount: 8, blockSize: 4, costModel: Self.costModel, allowsHoles: true)
        // Blocks 1 and 2 of a chain whose block 0 is gone: block 1 extends that hole,
        // block 3 (parent and child resident) would open a new one.
        p.insert(Self.facts(1, depth: 1, parent: false, children: 1), now: 0)
        p.insert(Self.facts(3, depth: 1, parent: true, children: 1), now: 0)
        #expect(p.rebuildTime(of: Self.facts(3, depth: 1, parent: true, children: 1))
            > p.rebuildTime(of: Self.facts(1, depth: 1, parent: false, children: 1)))
        #expect(Self.drain(p, now: 1) == [1, 3])
    }

    @Test func prefixClosedAblationEvictsTheTail() throws {
        let policy = RecencyCostPolicy(blockCount: 16, blockSize: 4, costModel: Self.costModel, allowsHoles: false)
        let m = KVCacheManager(blockCount: 16, blockSize: 4, policy: policy, costModel: Self.costModel)
        let chain = tokens(1, 4 * 10 + 1)
        try m.cache(1, chain, now: 0)
        try m.admit(RequestID(2), tokens: tokens(2, 4 * 9), now: 1)
        #expect(m.hitIndices(chain) == Array(0..<7))
        try m.checkInvariants()
    }

    @Test func evictionOrderIsDeterministic() throws {
        func run() throws -> [Int] {
            let m = KVCacheManager(blockCount: 48, blockSize: 4, policy: .asymRecency, costModel: Self.costModel)
            for k in 0..<200 {
                let conversation = k % 7
                try m.cache(UInt64(k), tokens(conversation, 4 * (1 + (k * 5) % 13) + 1), now: Double(k) * 0.5)
            }
            return (0..<7).flatMap { m.hitIndices(tokens($0, 4 * 13 + 1)) }
        }
        #expect(try run() == run())
    }
}
