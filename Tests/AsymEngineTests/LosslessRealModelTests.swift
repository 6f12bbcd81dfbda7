import AsymCore
import AsymCost
import AsymEngine
import AsymKV
import AsymScheduler
import AsymTestSupport
import Foundation
import Testing

/// The end-to-end losslessness check on a real transformer (tiny-llama): a multi-turn workload
/// under tight KV memory, forcing evictions, holes and preemptions, with every policy and both
/// budget modes, gives every request's output tokens and final logits bit-identical to those of
/// `none` with unlimited memory, under greedy and under seeded sampling.
@Suite("Lossless on a real model", .serialized)
struct LosslessRealModelTests {
    static let loaded = Result { try LoadedModel.load(TestFixtures.tinyLlama.path) }
    static let budgets: [TokenBudget] = [.fixed(64), .adaptive(targetMs: nil)]

    func engine(_ policy: PolicyKind, tokens: Int, budget: TokenBudget) throws -> EngineCore {
        let loaded = try Self.loaded.get()
        var time = 0.0
        // A synthetic cost model (no timing noise in tests): 2 ms per pass, 0.05 ms per token.
        let cost = CostModel(coefficients: .init(constant: 2, perPrefix: 0.0005, perToken: 0.05, perAttended: 0.00002))
        return loaded.makeEngine(policy: policy, kvCacheTokens: tokens, budget: budget, costModel: cost,
                                 clock: { time += 0.001; return time })
    }

    @Test(arguments: PolicyKind.allCases, budgets)
    func matchesUncachedReference(policy: PolicyKind, budget: TokenBudget) throws {
        let workload = MultiTurnWorkload(conversations: 3, turns: 3, systemLength: 48, userLength: 24, maxTokens: 12,
                                         seed: 3)
        for sampling in [SamplingParams(ignoreEOS: true), SamplingParams(temperature: 0.8, topP: 0.95, seed: 9, ignoreEOS: true)] {
            let expected = try workload.run(try engine(.none, tokens: 8192, budget: .fixed(4096)), sampling: sampling)
            let core = try engine(policy, tokens: 18 * 16, budget: budget)
            let actual = try workload.run(core, sampling: sampling)
            for (key, value) in expected {
                #expect(actual[key]!.tokens == value.tokens, "\(policy) \(budget) \(key)")
                #expect(actual[key]!.logits == value.logits, "\(policy) \(budget) \(key) logits")
            }
            core.refreshStats()
            #expect(core.stats.usedBlocks == 0)
            if policy != .none { #expect(core.stats.kv.evictions > 0, "memory is tight enough to evict") }
        }
    }
}
