import AsymCore

/// A stand-in model whose output at position p depends on every KV slot its sequence reads
/// through the block table (positions 0...p), and which fails loudly on reading a slot that was
/// never written. So a scheduler or cache bug that skips a hole, reads a stale block or breaks
/// causality changes the generated tokens, exactly as it would with a real model.
final class FakeExecutor: ModelExecutor {
    let vocabularySize: Int
    let blockSize: Int
    let blockCount: Int
    /// Content identity written at each slot; nil = never written.
    private var slots: [UInt64?]
    private(set) var plans: [BatchPlan] = []
    var keepPlans = true

    struct ReadUnwrittenSlot: Error, CustomStringConvertible {
        let position: Int
        var description: String { "read of an unwritten slot at position \(position)" }
    }

    init(vocabularySize: Int = 97, blockSize: Int = 16, blockCount: Int) {
        self.vocabularySize = vocabularySize
        self.blockSize = blockSize
        self.blockCount = blockCount
        slots = Array(repeating: nil, count: blockCount * blockSize)
    }

    func slot(_ table: [BlockID], _ position: Int) -> Int { table[position / blockSize].index * blockSize + position % blockSize }

    func execute(_ plan: BatchPlan) throws -> [SequenceLogits] {
        if keepPlans { plans.append(plan) }
        var results: [SequenceLogits] = []
        for sequence in plan.sequences {
            var contentAt: [Int: UInt64] = [:]
            for segment in sequence.segments {
                for (i, token) in segment.tokens.enumerated() {
                    let p = segment.startPosition + i
                    var context: UInt64 = 0
                    for j in 0 ..< p {  // "attention" over every earlier position
                        guard let c = slots[slot(sequence.blockTable, j)] else { throw ReadUnwrittenSlot(position: j) }
                        context = context &+ c &* UInt64(j + 1)
                    }
                    let content = mix(mix(context, UInt64(UInt32(bitPattern: token))), UInt64(p))
                    slots[slot(sequence.blockTable, p)] = content
                    contentAt[p] = content
                }
            }
            var values: [Float] = []
            for p in sequence.logitPositions {
                let c = contentAt[p]!
                values += (0 ..< vocabularySize).map { Float(mix(c, UInt64($0)) % 10_000) / 1000 }
            }
            results.append(SequenceLogits(positions: sequence.logitPositions, values: values, vocabularySize: vocabularySize))
        }
        return results
    }

    private func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var z = a ^ (b &* 0x9E37_79B9_7F4A_7C15)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
