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
private func runOneRequest(step: StepOverhead?) throws -> Double {
    let cost = CostModel(coefficients: .init(constant: 1, perPrefix: 0, perToken: 1, perAttended: 0, perDecodeContext: 0.1),
                         stepOverhead: step)
    var config = BenchConfiguration()
    config.policies = "lru-prefix"
    config.baselineBudget = .fixed(64)
    let simulation = Simulation(configuration: config, shape: .kjvLlama12M, costModel: cost, capacity: .tokens(256))
    let (engine, _) = simulation.makeEngine(try config.variants()[0], kvTokens: 256)
    let done = Finished()
    try engine.add(GenerationRequest(prompt: .tokens(Array(100 ..< 110)),
                                     sampling: SamplingParams(temperature: 0, maxTokens: 2, ignoreEOS: true))) {
        if case .finished(let s) = $0 { done.summary = s }
    }
    while engine.hasWork { engine.step() }
    return try #require(done.summary).finishTime
}

@Test func stepOverheadIsAddedToEveryPass() throws {
    // Pass 1: prompt 0..<10 = 1 + 10 = 11 ms, + 0.5 + 0.25 × 1 sequence. Pass 2: decode at 10 = 1 + 1 + 1 = 3 ms
    // (constant, the decode token priced as a query token, 10 × 0.1), + 0.75.
    #expect(abs(try runOneRequest(step: nil) - 0.014) < 1e-12)
    #expect(abs(try runOneRequest(step: StepOverhead(fixedMs: 0.5, perSequenceMs: 0.25)) - 0.0155) < 1e-12)
}
