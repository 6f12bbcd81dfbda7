import AsymCore
import AsymCost

/// A `ModelExecutor` that computes no model: each pass advances `clock` by the cost model's
/// predicted time for its segments and returns all-zero logits over a 2-token vocabulary.
///
/// Every segment of every sequence is priced by its absolute position range; a sequence whose
/// whole pass is one token at position P (a decode) is priced as a decode at context P, as the
/// scheduler prices it. Greedy sampling of zero logits
/// always picks token 0, which is fine: requests run with `ignoreEOS` and fixed `maxTokens`.
public final class SimulatedExecutor: ModelExecutor {
    public let vocabularySize = 2
    public let blockSize: Int
    public let blockCount: Int
    public let costModel: CostModel
    public let clock: VirtualClock
    /// Passes run and their summed predicted time, in ms.
    public private(set) var passCount = 0
    public private(set) var busyMs = 0.0
    private var ranges: [Range<Int>] = []
    private var decodeContexts: [Int] = []

    public init(blockCount: Int, blockSize: Int, costModel: CostModel, clock: VirtualClock) {
        precondition(blockCount > 0 && blockSize > 0)
        self.blockCount = blockCount
        self.blockSize = blockSize
        self.costModel = costModel
        self.clock = clock
    }

    public func execute(_ plan: BatchPlan) throws -> [SequenceLogits] {
        ranges.removeAll(keepingCapacity: true)
        decodeContexts.removeAll(keepingCapacity: true)
        for sequence in plan.sequences {
            if sequence.segments.count == 1 && sequence.segments[0].tokens.count == 1 {
                decodeContexts.append(sequence.segments[0].startPosition)
            } else {
                for segment in sequence.segments { ranges.append(segment.positions) }
            }
        }
        let ms = costModel.passTime(segments: ranges, decodeContexts: decodeContexts)
        passCount += 1
        busyMs += ms
        clock.advance(by: ms / 1000)
        return plan.sequences.map { s in
            SequenceLogits(positions: s.logitPositions, values: [Float](repeating: 0, count: s.logitPositions.count * vocabularySize),
                           vocabularySize: vocabularySize)
        }
    }
}
