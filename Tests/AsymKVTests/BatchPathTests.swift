import AsymCore
import AsymCost
import Testing
@testable import AsymKV

/// The batch paths of the hot loop (`LazyMinHeap.update`, `remove(contentsOf:)`, the batch
/// `insert` and `remove` of `AsymPolicy`) must leave the same eviction order as the single calls.
@Suite("Batch paths")
struct BatchPathTests {
    /// xorshift64: deterministic, process-independent.
    struct Random {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(bound))
        }
    }

    @Test func heapBatchUpdateEqualsSingleCalls() {
        var rng = Random(state: 0x1234_5678)
        var batched = LazyMinHeap(capacity: 50), single = LazyMinHeap(capacity: 50)
        var pops = 0
        for _ in 0..<400 {
            // A batch with repeats: sets (few distinct keys, so ties are common) and removes.
            let ops = (0..<rng.next(30)).map { _ in (rng.next(50), rng.next(3) == 0 ? nil : EvictionKey(Double(rng.next(8)), tieBreak: Int64(-rng.next(4)))) }
            batched.update(ops.count, item: { ops[$0].0 }, key: { ops[$0].1 })
            for (i, k) in ops {
                if let k { single.set(i, key: k) } else { single.remove(i) }
            }
            let gone = (0..<rng.next(6)).map { _ in rng.next(50) }
            batched.remove(contentsOf: gone)
            for i in gone { single.remove(i) }
            #expect(batched.count == single.count)
            #expect(batched.entryCount <= 2 * batched.count + 64, "a batch ends compacted")
            for _ in 0..<rng.next(8) {
                let a = batched.popMin(), b = single.popMin()
                #expect(a?.item == b?.item && a?.key == b?.key)
                if a != nil { pops += 1 }
            }
        }
        #expect(pops > 500, "the run pops many victims")
    }

    /// Random facts for block `b` (position, children, uses, parent and session vary).
    static func facts(_ b: Int, _ rng: inout Random) -> BlockFacts {
        BlockFacts(
            block: BlockID(Int32(b)), blockIndex: rng.next(3000), residentChildCount: rng.next(3), useCount: rng.next(5),
            sessionTurns: rng.next(4), parentResident: rng.next(2) == 0, origin: rng.next(2) == 0 ? .fresh : .continuation)
    }

    @Test(arguments: [(true, 0.0), (false, 0.0), (true, 1.0), (false, 2.0)])
    func asymBatchInsertAndRemoveEvictInTheSameOrderAsSingleCalls(allowsHoles: Bool, sessionBonus: Double) throws {
        let model = try CostModel.h100Llama3_8B()
        func make() -> AsymPolicy {
            AsymPolicy(blockCount: 200, blockSize: 16, costModel: model, allowsHoles: allowsHoles, sessionBonus: sessionBonus)
        }
        let batched = make(), single = make()
        var rng = Random(state: 0xDEAD_BEEF)
        var victims = 0
        for round in 0..<300 {
            // A release: distinct blocks, as the manager sends them.
            var seen = Set<Int>()
            let batch = (0..<rng.next(40)).compactMap { _ -> BlockFacts? in
                let b = rng.next(200)
                return seen.insert(b).inserted ? Self.facts(b, &rng) : nil
            }
            batched.insert(batch, now: Double(round))
            for f in batch { single.insert(f, now: Double(round)) }
            let hits = (0..<rng.next(10)).map { _ in BlockID(Int32(rng.next(200))) }
            batched.remove(hits)
            for b in hits { single.remove(b) }
            if rng.next(4) == 0 {
                let f = Self.facts(rng.next(200), &rng)
                batched.childCountChanged(f, now: Double(round))
                single.childCountChanged(f, now: Double(round))
            }
            #expect(batched.count == single.count)
            for _ in 0..<rng.next(12) {
                let a = batched.popVictim(now: Double(round)), b = single.popVictim(now: Double(round))
                #expect(a == b)
                if a != nil { victims += 1 }
            }
        }
        #expect(victims > 500, "the run evicts many blocks")
    }

    @Test func lookupHolesAndSuffixFollowTheHits() {
        let b = { (i: Int32) -> BlockID? in BlockID(i) }
        let l = CacheLookup(
            tokenCount: 30, blockSize: 4, hits: [nil, b(1), b(2), nil, nil, b(5), nil], hashes: [], generation: 0)
        #expect(l.hitBlockCount == 3)
        #expect(l.holes == [0..<4, 12..<20])
        #expect(l.suffix == 24..<30)
        let none = CacheLookup(tokenCount: 9, blockSize: 4, hits: [nil, nil], hashes: [], generation: 0)
        #expect(none.holes.isEmpty && none.suffix == 0..<9 && none.hitBlockCount == 0)
    }
}
