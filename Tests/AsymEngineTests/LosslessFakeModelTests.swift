import AsymCore
import AsymEngine
import AsymKV
import AsymScheduler
import Testing

/// Every policy and both budget modes, under memory tight enough to force evictions, holes and
/// preemptions, give exactly the outputs of `none` with unlimited memory (on a fake model whose
/// output depends on every KV slot it reads).
@Suite("Lossless on a fake model")
struct LosslessFakeModelTests {
    static let budgets: [TokenBudget] = [.fixed(48), .adaptive(targetMs: 2.5)]

    @Test(arguments: PolicyKind.allCases, budgets)
    func matchesUncachedReference(policy: PolicyKind, budget: TokenBudget) throws {
        let workload = MultiTurnWorkload()
        for sampling in [SamplingParams(), SamplingParams(temperature: 0.9, topK: 20, topP: 0.9, seed: 42)] {
            let (reference, _) = makeCore(policy: .none, blocks: 4096, budget: .fixed(100_000))
            let expected = try workload.run(reference, sampling: sampling)
            // About a third of the working set: forces evictions and preemptions.
            let (core, _) = makeCore(policy: policy, blocks: 20, budget: budget)
            let actual = try workload.run(core, sampling: sampling)
            for (key, value) in expected {
                #expect(actual[key]!.tokens == value.tokens, "\(policy) \(budget) \(key)")
                #expect(actual[key]!.logits == value.logits, "\(policy) \(budget) \(key) logits")
            }
            core.refreshStats()
            #expect(core.stats.usedBlocks == 0)
            if policy == .none { #expect(core.stats.kv.hitTokens == 0) }
            try core.scheduler.kv.checkInvariants()
        }
    }

    @Test func tightMemoryReallyEvictsAndPreempts() throws {
        let (core, _) = makeCore(policy: .asym, blocks: 20, budget: .fixed(48))
        _ = try MultiTurnWorkload().run(core, sampling: SamplingParams())
        core.refreshStats()
        #expect(core.stats.kv.evictions > 0)
        #expect(core.stats.preemptions > 0)
        #expect(core.stats.kv.hitTokens > 0)
    }
}
