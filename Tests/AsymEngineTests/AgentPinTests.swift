import AsymCore
import AsymEngine
import AsymKV
import AsymScheduler
import Testing

/// Continuum-style agents: a turn that says its job returns after a tool call keeps its blocks
/// pinned for the TTL; other traffic evicts everything else first, and the pin expires on time.
@Suite("Agent pins")
struct AgentPinTests {
    final class Clock: @unchecked Sendable { var now = 0.0 }

    func run(_ core: EngineCore, _ prompt: [TokenID], ttl: Double? = nil) throws -> GenerationSummary {
        var summary: GenerationSummary?
        try core.add(GenerationRequest(prompt: .tokens(prompt), sampling: SamplingParams(maxTokens: 2, ignoreEOS: true),
                                       pinTTL: ttl)) { if case .finished(let s) = $0 { summary = s } }
        while core.hasWork { core.step() }
        return summary!
    }

    @Test(arguments: [PolicyKind.lruPrefix, .asym])
    func pinnedTurnSurvivesOtherTrafficUntilItsTTL(policy: PolicyKind) throws {
        let clock = Clock()
        let executor = FakeExecutor(blockCount: 12)
        let core = EngineCore(
            executor: executor, tokenizer: nil, eosTokenIDs: [], costModel: testCostModel,
            config: EngineConfig(policy: policy, scheduler: SchedulerConfig(budget: .fixed(256)), contextLimit: 10_000),
            clock: { clock.now })
        let agent = tokens(80, seed: 1)               // 5 full blocks
        _ = try run(core, agent, ttl: 30)
        // Other requests that need most of the pool while the agent is "in its tool call".
        clock.now = 10
        for i in 0 ..< 3 { _ = try run(core, tokens(100, seed: UInt64(10 + i))) }
        clock.now = 20
        let back = try run(core, agent)
        #expect(back.cachedTokenCount == 64, "the agent's blocks stayed pinned (last block is always recomputed)")
        // After the TTL, the same traffic evicts it.
        _ = try run(core, agent, ttl: 5)
        clock.now = 100
        for i in 0 ..< 3 { _ = try run(core, tokens(100, seed: UInt64(20 + i))) }
        let late = try run(core, agent)
        // Under LRU the expired blocks are now the oldest and go first. (asym may rightly keep them:
        // they were used twice, the newer traffic once.)
        if policy == .lruPrefix { #expect(late.cachedTokenCount < 64, "an expired pin is evictable") }
        try core.scheduler.kv.checkInvariants()
    }
}
