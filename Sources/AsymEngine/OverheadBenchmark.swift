import AsymCore
import AsymCost
import AsymModel
import AsymKV
import AsymScheduler
import Foundation

/// How much of each iteration the scheduler and the cache manager take, with many sequences
/// running at once on the real model.
public struct OverheadBenchmark {
    public struct Result: Sendable {
        public var policy: PolicyKind
        public var iterations: Int
        public var maxRunning: Int
        public var scheduleSeconds: Double
        public var executeSeconds: Double
        public var sampleSeconds: Double
        public var overheadFraction: Double { scheduleSeconds / (scheduleSeconds + executeSeconds + sampleSeconds) }
    }

    public let loaded: LoadedModel
    public init(loaded: LoadedModel) { self.loaded = loaded }

    /// Runs `sequences` requests sharing a system prompt, each with its own suffix, decoding
    /// `outputTokens` tokens, all admitted at once.
    public func run(policy: PolicyKind, sequences: Int = 128, promptTokens: Int = 96, outputTokens: Int = 32,
                    costModel: CostModel) throws -> Result {
        let vocab = loaded.config.vocabularySize
        let kvTokens = sequences * (promptTokens + outputTokens + 32)
        let core = loaded.makeEngine(policy: policy, kvCacheTokens: kvTokens, budget: .fixed(2048), costModel: costModel,
                                     maxRunningSequences: sequences)
        var rng = SplitMix64(seed: 5)
        let shared = (0 ..< promptTokens / 2).map { _ in TokenID(rng.next() % UInt64(vocab - 8)) + 4 }
        var maxRunning = 0
        for _ in 0 ..< sequences {
            let own = (0 ..< promptTokens - shared.count).map { _ in TokenID(rng.next() % UInt64(vocab - 8)) + 4 }
            try core.add(GenerationRequest(prompt: .tokens(shared + own),
                                           sampling: SamplingParams(maxTokens: outputTokens, ignoreEOS: true))) { _ in }
        }
        while core.hasWork {
            core.step()
            maxRunning = max(maxRunning, core.stats.runningCount)
        }
        let s = core.stats
        return Result(policy: policy, iterations: s.iterations, maxRunning: maxRunning, scheduleSeconds: s.scheduleSeconds,
                      executeSeconds: s.executeSeconds, sampleSeconds: s.sampleSeconds)
    }
}
