import AsymCore
import AsymCost

/// A `ModelExecutor` that computes no model: each pass advances `clock` by the cost model's
/// predicted time for its segments, plus its step overhead (the engine's host time outside the
/// pass, for the pass's sequences and their table blocks), and returns all-zero logits over a
/// 2-token vocabulary. The engine times `execute` on the same clock, so a simulation's
/// `EngineStats.executeSeconds` includes the step overhead (and the jitter); its predicted seconds do not.
/// With `jitter` > 0 each pass's time is multiplied by a factor drawn uniformly with mean 1 and that
/// standard deviation (from a generator seeded by `seed`), as real pass times scatter around the
/// model's prediction.
///
/// Every segment of every sequence is priced by its absolute position range; a sequence whose
/// whole pass is one token at position P (a decode) is priced as a decode at context P, as the
/// scheduler prices it, with the context blocks it shares with an earlier decode of the pass read
/// at the shared price. Greedy sampling of zero logits
/// always picks token 0, which is fine: requests run with `ignoreEOS` and fixed `maxTokens`.
public final class SimulatedExecutor: ModelExecutor {
    public let vocabularySize = 2
    public let blockSize: Int
    public let blockCount: Int
    public let costModel: CostModel
    public let clock: VirtualClock
    /// Relative standard deviation of pass times (0: every pass takes exactly its prediction).
    public let jitter: Double
    private var random: SplitMix64
    /// Passes run and their summed simulated time (predicted, times the jitter; without the step
    /// overhead), in ms.
    public private(set) var passCount = 0
    public private(set) var busyMs = 0.0
    private var ranges: [Range<Int>] = []
    private var decodeContexts: [Int] = []
    private var sharedContext: SharedContextCounter

    public init(blockCount: Int, blockSize: Int, costModel: CostModel, clock: VirtualClock, jitter: Double = 0, seed: UInt64 = 0) {
        precondition(blockCount > 0 && blockSize > 0 && jitter >= 0 && jitter < 0.5)
        self.jitter = jitter
        random = SplitMix64(seed: seed)
        self.blockCount = blockCount
        self.blockSize = blockSize
        self.costModel = costModel
        self.clock = clock
        sharedContext = SharedContextCounter(blockCount: blockCount)
    }

    public func execute(_ plan: BatchPlan) throws -> [SequenceLogits] {
        ranges.removeAll(keepingCapacity: true)
        decodeContexts.removeAll(keepingCapacity: true)
        sharedContext.startPass()
        var shared = 0
        for sequence in plan.sequences {
            if sequence.segments.count == 1 && sequence.segments[0].tokens.count == 1 {
                let p = sequence.segments[0].startPosition
                decodeContexts.append(p)
                shared += sharedContext.count(sequence.blockTable, contextLength: p, blockSize: blockSize)
            } else {
                for segment in sequence.segments { ranges.append(segment.positions) }
            }
        }
        var ms = costModel.passTime(segments: ranges, decodeContexts: decodeContexts, sharedDecodeContext: shared)
        if jitter > 0 { ms *= 1 + jitter * 3.0.squareRoot() * (2 * random.nextUnit() - 1) }
        let overhead = costModel.stepOverheadMs(sequences: plan.sequences.count,
                                                contextBlocks: plan.sequences.reduce(0) { $0 + $1.blockTable.count })
        passCount += 1
        busyMs += ms
        clock.advance(by: (ms + overhead) / 1000)
        return plan.sequences.map { s in
            SequenceLogits(positions: s.logitPositions, values: [Float](repeating: 0, count: s.logitPositions.count * vocabularySize),
                           vocabularySize: vocabularySize)
        }
    }
}
