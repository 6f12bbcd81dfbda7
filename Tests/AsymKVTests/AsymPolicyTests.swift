import AsymCore
import AsymCost
import Testing
@testable import AsymKV

/// The `asym` and `asym-prefix` policies: frequency weighting and leaves-first eviction.
@Suite("AsymPolicy")
struct AsymPolicyTests {
    @Test func asymPrefixEvictsTheTailNotTheChainItsTailNeeds() throws {
        let m = makeManager(.asymPrefix, blocks: 64, blockSize: 16)
        let long = tokens(1, 48 * 16 + 1)
        try m.cache(1, long, now: 0)  // 48 cached blocks, 16 free
        try m.admit(RequestID(2), tokens: tokens(2, 32 * 16), now: 1)  // needs 32: evicts 16
        // Shallow blocks are the cheapest, but evicting them would make the deep ones unreachable.
        #expect(m.hitIndices(long) == Array(0..<32))
        try m.checkInvariants()
    }

    @Test func asymPrefixEvictsALeafBeforeItsParent() throws {
        let m = makeManager(.asymPrefix, blocks: 4)
        try m.cache(1, tokens(1, 9), now: 0)  // blocks 0 and 1 cached (1 is 0's child), 2 free
        try m.admit(RequestID(2), tokens: tokens(2, 12), now: 1)  // 3 blocks: 2 free + 1 eviction
        #expect(m.hitIndices(tokens(1, 9)) == [0])
        try m.checkInvariants()
    }

    @Test func aPrefixUsedOftenOutlivesAOneOffPromptOfTheSameCost() throws {
        let m = makeManager(.asym, blocks: 12)
        let popular = tokens(1, 9), oneOff = tokens(2, 9)
        for k in 0..<3 { try m.cache(UInt64(k), popular, now: Double(k)) }  // used 3 times
        try m.cache(10, oneOff, now: 3)  // used once, released last
        try m.admit(RequestID(11), tokens: tokens(3, 40), now: 4)  // 10 blocks: 8 free + 2 evictions
        #expect(m.hitIndices(popular) == [0, 1])
        #expect(m.hitIndices(oneOff).isEmpty)

        let lru = makeManager(.lruPrefix, blocks: 12)
        for k in 0..<3 { try lru.cache(UInt64(k), popular, now: Double(k)) }
        try lru.cache(10, oneOff, now: 3)
        try lru.admit(RequestID(11), tokens: tokens(3, 40), now: 4)
        #expect(lru.hitIndices(popular).isEmpty, "LRU keeps the most recent, the one-off")
    }

    @Test func aRebuiltBlockKeepsTheUseCountOfItsEvictedCopy() throws {
        let m = makeManager(.lruPrefix, blocks: 4)
        let prompt = tokens(1, 5)  // one full block + one partial
        for k in 0..<3 { try m.cache(UInt64(k), prompt, now: Double(k)) }
        let h = PrefixHasher.blockHashes(of: prompt, blockSize: 4)[0]
        #expect(m.core.useCount[m.core.index.block(for: h)!.index] == 3)
        try m.cache(10, tokens(2, 16), now: 3)  // 4 blocks: 3 free + the cached one evicted
        #expect(!m.isResident(h))
        try m.cache(11, prompt, now: 4)  // computed again: 3 remembered uses + this one
        #expect(m.core.useCount[m.core.index.block(for: h)!.index] == 4)
        try m.checkInvariants()
    }
}
