import AsymCore
import AsymCost
import AsymKV
import AsymModel
import AsymScheduler
import AsymTokenizer
import Foundation

extension Profiler {
    /// One configuration of the step-overhead measurement: S sequences with prompts of P tokens.
    public struct StepShape: Sendable {
        public var sequences: Int
        public var promptLength: Int
        public init(sequences: Int, promptLength: Int) { (self.sequences, self.promptLength) = (sequences, promptLength) }
    }

    /// Short and long contexts, so the fit can tell the per-sequence price from the per-block one.
    public static let stepShapes = [1, 4, 16, 32].map { StepShape(sequences: $0, promptLength: 32) }
        + [1, 4, 8].map { StepShape(sequences: $0, promptLength: 1024) }

    /// Measures the engine's host time per step outside the forward pass (scheduler, cache
    /// manager, sampling, detokenizing, events), which the simulator adds to each pass.
    ///
    /// For each shape, S requests (distinct P-token prompts, `outputLength` greedy tokens each, EOS
    /// ignored) run to the end on a fresh `EngineCore` over this model. Every decode-only step gives
    /// one sample: its wall time minus the executor's. `StepOverhead.fit` is fitted to each shape's
    /// median sample (`rounds` runs per shape), its block count taken at the middle of the decodes.
    public func measureStepOverhead(tokenizer: Tokenizer?, shapes: [StepShape] = Profiler.stepShapes,
                                    outputLength: Int = 32) throws -> StepOverhead {
        precondition(shapes.count >= 2 && outputLength > 1)
        let blockSize = 16
        let vocabulary = model.config.vocabularySize
        // Any valid cost model will do: the fixed budget does not consult it.
        let flat = CostModel(coefficients: .init(constant: 1, perPrefix: 0, perToken: 0.01, perAttended: 0))
        var medians: [(sequences: Int, contextBlocks: Int, ms: Double)] = []
        for shape in shapes where shape.promptLength + outputLength < model.config.maxPositionEmbeddings {
            let (s, promptLength) = (shape.sequences, shape.promptLength)
            let perSequence = (promptLength + outputLength) / blockSize + 2
            var samples: [Double] = []
            for _ in 0 ..< rounds {
                let runner = ModelRunner(model: model, source: "profile", blockCount: s * perSequence, blockSize: blockSize,
                                         kvElementType: kvElementType)
                let config = EngineConfig(policy: .lruPrefix,
                                          scheduler: SchedulerConfig(budget: .fixed(s * promptLength), maxRunningSequences: s),
                                          contextLimit: model.config.maxPositionEmbeddings)
                let engine = EngineCore(executor: runner, tokenizer: tokenizer, eosTokenIDs: [], costModel: flat, config: config,
                                        clock: EngineClock.monotonicSeconds)
                for i in 0 ..< s {
                    let prompt = (0 ..< promptLength).map { TokenID(truncatingIfNeeded: (i * 7919 + $0 * 104_729 + 17) % vocabulary) }
                    try engine.add(GenerationRequest(prompt: .tokens(prompt),
                                                     sampling: SamplingParams(temperature: 0, maxTokens: outputLength, ignoreEOS: true))) { _ in }
                }
                while engine.hasWork {
                    let before = engine.stats
                    let start = EngineClock.monotonicSeconds()
                    engine.step()
                    let wall = EngineClock.monotonicSeconds() - start
                    let after = engine.stats
                    if after.prefillTokens == before.prefillTokens && after.decodeTokens - before.decodeTokens == s {
                        samples.append(1000 * (wall - (after.executeSeconds - before.executeSeconds)))
                    }
                }
            }
            guard !samples.isEmpty else { continue }
            let blocks = s * ((promptLength + outputLength / 2) / blockSize + 1)
            medians.append((s, blocks, samples.sorted()[samples.count / 2]))
        }
        guard let step = StepOverhead.fit(medians) else { throw ProfilerError.stepOverheadNotMeasurable(shapes: medians.count) }
        return step
    }
}

public enum ProfilerError: Error, Equatable, CustomStringConvertible {
    /// Fewer than two batch sizes fit the model's context: no per-sequence price can be placed.
    case stepOverheadNotMeasurable(shapes: Int)

    public var description: String {
        switch self {
        case .stepOverheadNotMeasurable(let n): "step overhead: only \(n) measurable shapes fit the model's context (need 2 batch sizes)"
        }
    }
}
