import AsymBench
import AsymCore
import AsymCost
import AsymEngine
import AsymScheduler
import AsymSim
import Testing

/// Collects the finished summaries of an engine's requests.
private final class Finished {
    var summary: GenerationSummary?
}

/// One request (10-token prompt, 2 tokens out) on the cost model of the hand-computed scenario:
/// 1 ms per pass + 1 ms per query token + 0.1 ms per decode context position, plus `step`.
private func runOneRequest(step: StepOverhead?, slowdown: HostSlowdown?) throws -> (finish: Double, scheduler: CostModel, executor: CostModel) {
    let cost = CostModel(coefficients: .init(constant: 1, perPrefix: 0, perToken: 1, perAttended: 0, perDecodeContext: 0.1),
                         stepOverhead: step)
    var config = BenchConfiguration()
    config.policies = "lru-prefix"
    config.baselineBudget = .fixed(64)
    var simulation = Simulation(configuration: config, shape: .kjvLlama12M, costModel: cost, capacity: .tokens(256))
    let variant = try config.variants()[0]
    if let slowdown { simulation.hostSlowdown[variant.name] = slowdown }
    let (engine, _) = simulation.makeEngine(variant, kvTokens: 256)
    let done = Finished()
    try engine.add(GenerationRequest(prompt: .tokens(Array(100 ..< 110)),
                                     sampling: SamplingParams(temperature: 0, maxTokens: 2, ignoreEOS: true))) {
        if case .finished(let s) = $0 { done.summary = s }
    }
    while engine.hasWork { engine.step() }
    let executor = try #require(engine.executor as? SimulatedExecutor)
    return (try #require(done.summary).finishTime, engine.scheduler.costModel, executor.costModel)
}

@Test func stepOverheadIsAddedToEveryPass() throws {
    // Pass 1: prompt 0..<10 = 1 + 10 = 11 ms, + 0.5 + 0.25 × 1 sequence. Pass 2: decode at 10 = 1 + 1 + 1 = 3 ms
    // (constant, the decode token priced as a query token, 10 × 0.1), + 0.75.
    let plain = try runOneRequest(step: nil, slowdown: nil)
    #expect(abs(plain.finish - 0.014) < 1e-12)
    let withOverhead = try runOneRequest(step: StepOverhead(fixedMs: 0.5, perSequenceMs: 0.25), slowdown: nil)
    #expect(abs(withOverhead.finish - 0.0155) < 1e-12)
}

@Test func hostSlowdownPricesPassesButLeavesTheSchedulerAlone() throws {
    let step = StepOverhead(fixedMs: 0.5, perSequenceMs: 0.25)
    let slowdown = HostSlowdown(prefill: 2, decode: 3)
    let run = try runOneRequest(step: step, slowdown: slowdown)
    // Pass 1: constant 1 × 3 + 10 tokens × 1 × 2 = 23 ms, + 0.75 × 3. Pass 2: (1 + 1 + 1) × 3 = 9 ms, + 0.75 × 3.
    #expect(abs(run.finish - (23 + 2.25 + 9 + 2.25) / 1000) < 1e-12)
    #expect(run.executor == run.scheduler.scaled(by: slowdown))
    #expect(run.scheduler.coefficients.constant == 1 && run.scheduler.stepOverhead == step)
}
