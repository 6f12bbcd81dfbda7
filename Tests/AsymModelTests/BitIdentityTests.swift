import AsymCore
import CPUKernels
import Foundation
import Testing
@testable import AsymModel

/// A small deterministic generator for test randomness (SplitMix64).
struct TestRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A position's logits must be bit-identical whether it is computed in one pass, in chunks of any
/// size, as a rebuilt hole in any split, or batched with other sequences; with an f32 or an f16 KV cache.
@Suite("Bit-identical logits")
struct BitIdentityTests {
    static let blockSize = 16

    func prompt(_ length: Int, seed: UInt64) -> [TokenID] {
        var rng = TestRandom(state: seed)
        return (0 ..< length).map { _ in TokenID(Int.random(in: 4 ..< 1024, using: &rng)) }
    }

    func table(_ blocks: Range<Int>) -> [BlockID] { blocks.map { BlockID($0) } }

    func runner(_ kv: KVElementType) throws -> ModelRunner {
        try ModelRunner(directory: Fixtures.tinyLlama, blockCount: 64, kvElementType: kv)
    }

    /// Logits of every position of `tokens`, computed in one pass.
    func reference(_ tokens: [TokenID], kv: KVElementType) throws -> [[Float]] {
        let runner = try runner(kv)
        let pass = SequencePass(blockTable: table(0 ..< 64), segments: [QuerySegment(startPosition: 0, tokens: tokens)],
                                logitPositions: Array(tokens.indices))
        let out = try runner.execute(BatchPlan(sequences: [pass]))[0]
        return tokens.indices.map { Array(out.row($0)) }
    }

    @Test(arguments: KVElementType.allCases)
    func randomChunkingsGiveIdenticalLogits(kv: KVElementType) throws {
        let tokens = prompt(300, seed: 1)
        let expected = try reference(tokens, kv: kv)
        var rng = TestRandom(state: 7)
        for _ in 0 ..< 4 {
            let runner = try runner(kv)
            var start = 0
            while start < tokens.count {
                let end = min(tokens.count, start + Int.random(in: 1 ... 97, using: &rng))
                let pass = SequencePass(blockTable: table(0 ..< 64),
                                        segments: [QuerySegment(startPosition: start, tokens: Array(tokens[start ..< end]))],
                                        logitPositions: Array(start ..< end))
                let out = try runner.execute(BatchPlan(sequences: [pass]))[0]
                for (i, p) in (start ..< end).enumerated() { #expect(Array(out.row(i)) == expected[p], "position \(p)") }
                start = end
            }
        }
    }

    @Test(arguments: KVElementType.allCases)
    func rebuiltHolesGiveIdenticalLogits(kv: KVElementType) throws {
        let tokens = prompt(400, seed: 2)
        let expected = try reference(tokens, kv: kv)
        var rng = TestRandom(state: 11)
        for trial in 0 ..< 4 {
            let runner = try runner(kv)
            // The first 320 tokens (20 full blocks) were computed earlier into blocks 0..<20.
            let cached = 320
            let pass0 = SequencePass(blockTable: table(0 ..< 20),
                                     segments: [QuerySegment(startPosition: 0, tokens: Array(tokens[0 ..< cached]))],
                                     logitPositions: [])
            _ = try runner.execute(BatchPlan(sequences: [pass0]))
            // Evict random blocks: each gets a fresh block (poisoned with NaN) that must be rebuilt.
            var blockTable = table(0 ..< 25)
            let evicted = (0 ..< 20).filter { _ in Bool.random(using: &rng) }.sorted()
            for (i, b) in evicted.enumerated() {
                blockTable[b] = BlockID(30 + i)
                poison(runner.arena, block: 30 + i)
            }
            // One pass: every hole, then the suffix, with a chunk boundary inside the suffix block.
            var segments = evicted.map { b in
                QuerySegment(startPosition: b * 16, tokens: Array(tokens[b * 16 ..< (b + 1) * 16]))
            }
            let suffixEnd = trial % 2 == 0 ? tokens.count : 373
            segments.append(QuerySegment(startPosition: cached, tokens: Array(tokens[cached ..< suffixEnd])))
            let positions = segments.flatMap { Array($0.positions) }
            let pass = SequencePass(blockTable: blockTable, segments: mergeAdjacent(segments), logitPositions: positions)
            let out = try runner.execute(BatchPlan(sequences: [pass]))[0]
            for (i, p) in positions.enumerated() {
                #expect(Array(out.row(i)) == expected[p], "trial \(trial) holes \(evicted) position \(p)")
            }
        }
    }

    @Test(arguments: KVElementType.allCases)
    func batchMixesGiveIdenticalLogits(kv: KVElementType) throws {
        let a = prompt(150, seed: 3), b = prompt(90, seed: 4), c = prompt(37, seed: 5)
        let (ea, eb, ec) = (try reference(a, kv: kv), try reference(b, kv: kv), try reference(c, kv: kv))
        let runner = try runner(kv)
        // Pass 1: a's first 100 tokens, b whole, c's first token (a decode-sized segment).
        let p1 = BatchPlan(sequences: [
            SequencePass(blockTable: table(0 ..< 10), segments: [QuerySegment(startPosition: 0, tokens: Array(a[0 ..< 100]))],
                         logitPositions: Array(0 ..< 100)),
            SequencePass(blockTable: table(10 ..< 16), segments: [QuerySegment(startPosition: 0, tokens: b)],
                         logitPositions: Array(b.indices)),
            SequencePass(blockTable: table(16 ..< 19), segments: [QuerySegment(startPosition: 0, tokens: [c[0]])],
                         logitPositions: [0]),
        ])
        let out1 = try runner.execute(p1)
        for p in 0 ..< 100 { #expect(Array(out1[0].row(p)) == ea[p]) }
        for p in b.indices { #expect(Array(out1[1].row(p)) == eb[p]) }
        #expect(Array(out1[2].row(0)) == ec[0])
        // Pass 2: c's rest first, then a's rest.
        let p2 = BatchPlan(sequences: [
            SequencePass(blockTable: table(16 ..< 19), segments: [QuerySegment(startPosition: 1, tokens: Array(c[1...]))],
                         logitPositions: Array(1 ..< c.count)),
            SequencePass(blockTable: table(0 ..< 10), segments: [QuerySegment(startPosition: 100, tokens: Array(a[100...]))],
                         logitPositions: Array(100 ..< a.count)),
        ])
        let out2 = try runner.execute(p2)
        for (i, p) in (1 ..< c.count).enumerated() { #expect(Array(out2[0].row(i)) == ec[p]) }
        for (i, p) in (100 ..< a.count).enumerated() { #expect(Array(out2[1].row(i)) == ea[p]) }
    }

    /// Fills a block's K/V with NaN in every layer, so reading a stale slot would show.
    func poison(_ arena: KVArena, block: Int) {
        let count = arena.blockSize * arena.slotWidth, start = block * count * arena.elementType.byteCount
        for layer in 0 ..< arena.layerCount {
            for base in [arena.keyBytes(layer: layer), arena.valueBytes(layer: layer)] {
                switch arena.elementType {
                case .f32: (base + start).initializeMemory(as: Float.self, repeating: .nan, count: count)
                case .f16: (base + start).initializeMemory(as: UInt16.self, repeating: 0x7e00, count: count)
                }
            }
        }
    }

    /// An f16 cache only rounds K/V: logits stay close to the f32 cache's.
    @Test func halfCacheLogitsStayCloseToFloatCache() throws {
        let tokens = prompt(200, seed: 6)
        let exact = try reference(tokens, kv: .f32), half = try reference(tokens, kv: .f16)
        var worst: Float = 0
        for (e, h) in zip(exact, half) { worst = max(worst, relativeError(h, e)) }
        print("f16 KV vs f32 KV: worst relative logit error \(worst)")
        #expect(worst > 0, "the f16 cache should round something")
        #expect(worst < 5e-3)  // measured 3.2e-4
    }

    func mergeAdjacent(_ segments: [QuerySegment]) -> [QuerySegment] {
        var merged: [QuerySegment] = []
        for s in segments {
            if let last = merged.last, last.endPosition == s.startPosition {
                merged[merged.count - 1].tokens += s.tokens
            } else {
                merged.append(s)
            }
        }
        return merged
    }
}
