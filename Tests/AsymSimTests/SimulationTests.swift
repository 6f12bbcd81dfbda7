import AsymBench
import AsymCore
import AsymCost
import AsymEngine
import AsymKV
import AsymScheduler
import AsymSim
import Testing

/// Collects the finished summaries of an engine's requests.
private final class Summaries {
    var byID: [RequestID: GenerationSummary] = [:]
}

@Test func handComputedScenarioGivesExactlyThePredictedTimes() throws {
    // t = 1 ms per pass + 0.1 ms per prefix position of a segment + 1 ms per query token
    // + 0.1 ms per context position of a decode token.
    let cost = CostModel(coefficients: .init(constant: 1, perPrefix: 0.1, perToken: 1, perAttended: 0, perDecodeContext: 0.1))
    let (engine, clock) = try handComputedEngine(cost)
    let done = Summaries()
    let a = try engine.add(GenerationRequest(prompt: .tokens(Array(100 ..< 110)),
                                             sampling: SamplingParams(temperature: 0, maxTokens: 3, ignoreEOS: true))) {
        if case .finished(let s) = $0 { done.byID[s.requestID] = s }
    }
    // Pass 1: A's prompt, positions 0..<10: 1 + 0 + 10 = 11 ms.
    #expect(engine.step())
    #expect(clock.now() == 0.011)
    clock.idle(until: 0.011)  // no-op: the clock is already there
    let b = try engine.add(GenerationRequest(prompt: .tokens(Array(200 ..< 205)),
                                             sampling: SamplingParams(temperature: 0, maxTokens: 2, ignoreEOS: true))) {
        if case .finished(let s) = $0 { done.byID[s.requestID] = s }
    }
    // Pass 2: A decodes at position 10 (1 + 10 × 0.1 = 2 ms) and B's prompt 0..<5 (5 ms), + 1 ms.
    // Pass 3: A decodes at 11 (2.1 ms), B at 5 (1.5 ms), + 1 ms: A has its 3 tokens, B its 2.
    while engine.hasWork { engine.step() }
    let passTimes: [Double] = [11, 1 + 2 + 5, 1 + 2.1 + 1.5]
    let ends = passTimes.reduce(into: [Double]()) { $0.append(($0.last ?? 0) + $1 / 1000) }
    let sa = try #require(done.byID[a]), sb = try #require(done.byID[b])
    #expect(abs(sa.tokenTimes[0] - ends[0]) < 1e-12)
    #expect(abs(sa.tokenTimes[1] - ends[1]) < 1e-12)
    #expect(abs(sa.finishTime - ends[2]) < 1e-12)
    #expect(abs(sb.timeToFirstToken! - (ends[1] - 0.011)) < 1e-12)
    #expect(abs(sb.finishTime - ends[2]) < 1e-12)
    #expect(sa.outputTokens.count == 3 && sb.outputTokens.count == 2)
    #expect(abs(clock.now() - ends[2]) < 1e-12)
    #expect(engine.stats.iterations == 3)
}

@Test func sameSeedGivesTheSameSimulation() throws {
    var config = smallChat(users: 3, lengthScale: 0.1)
    config.seed = 7
    let cost = CostModel(coefficients: .init(constant: 2, perPrefix: 0.001, perToken: 0.05, perAttended: 1e-5))
    let simulation = Simulation(configuration: config, shape: .kjvLlama12M, costModel: cost, capacity: .workingSetFraction)
    func run() throws -> BenchReport {
        try simulation.run(try simulation.makeWorkload(), machine: "test")
    }
    let first = try run(), second = try run()
    #expect(first.variants.count == 2)
    for (x, y) in zip(first.variants, second.variants) {
        #expect(x.calls > 0 && x.failures.isEmpty)
        #expect(x.ttftSamples == y.ttftSamples)
        #expect(x.tpotSamples == y.tpotSamples)
        #expect(x.makespan == y.makespan)
        #expect(x.iterations == y.iterations)
        #expect(x.prefixHitTokens == y.prefixHitTokens && x.evictions == y.evictions)
    }
    #expect(first.lossless.identical)
    config.seed = 8
    let reseeded = Simulation(configuration: config, shape: .kjvLlama12M, costModel: cost, capacity: .workingSetFraction)
    let other = try reseeded.run(try reseeded.makeWorkload(), machine: "test")
    #expect(other.variants[0].ttftSamples != first.variants[0].ttftSamples)

    // Validation pairs policies by name: a run against itself is exact; a slower cost model is
    // reported as a positive error.
    let exact = SimulationValidation(measured: first, replicas: [second])
    #expect(exact.rows.count == 2 && exact.worstError == 0)
    // On a virtual clock a pass lasts exactly its predicted time.
    #expect(exact.rows.allSatisfy { r in r.passSlowdown.map { abs($0.prefill - 1) + abs($0.decode - 1) < 1e-9 } ?? false })
    // A host 3× slower at decodes and 2× at prefill: the run's decode-only passes show exactly 3×,
    // its passes with prefill (which carry decodes too) between 2× and 3×.
    var drifted = Simulation(configuration: config, shape: .kjvLlama12M, costModel: cost, capacity: .workingSetFraction)
    for v in try config.variants() { drifted.hostSlowdown[v.name] = HostSlowdown(prefill: 2, decode: 3) }
    for v in try drifted.run(try drifted.makeWorkload(), machine: "test").variants {
        let s = try #require(v.passSlowdown)
        #expect(abs(s.decode - 3) < 1e-9 && s.prefill >= 2 - 1e-9 && s.prefill <= 3 + 1e-9, "\(v.name): \(s)")
    }
    let slower = CostModel(coefficients: .init(constant: 4, perPrefix: 0.002, perToken: 0.1, perAttended: 2e-5))
    let slow = Simulation(configuration: config, shape: .kjvLlama12M, costModel: slower, capacity: .workingSetFraction)
    let againstSlow = SimulationValidation(measured: other, replicas: [try slow.run(try slow.makeWorkload(), machine: "test")])
    #expect(againstSlow.rows.allSatisfy { $0.ttftError > 0 && $0.tpotError > 0 })
    #expect(againstSlow.table().contains("| asym |"))
}

@Test func llama3ShapeGivesTheDocumentedMemory() {
    let shape = ModelShape.llama3_8B
    #expect(shape.kvBytesPerToken == 128 * 1024)
    #expect(shape.parameterCount == 8_030_261_248)  // Llama-3-8B's published parameter count
    let tokens = shape.kvCapacityTokens(gpuMemoryBytes: 80_000_000_000)
    #expect(tokens == (80_000_000_000 - 2 * 8_030_261_248) / 131_072)
    #expect(ModelShape.kjvLlama12M.kvCapacityTokens(gpuMemoryBytes: 1000) == nil)
}

@Test func schedulerAndSimulatorPriceSharedDecodeContextAlike() throws {
    // Chat users share a system prompt, so decodes of one pass share context blocks: the scheduler's
    // prediction and the simulated pass must both discount them, by the same amount.
    let config = smallChat(users: 6, lengthScale: 0.2)
    let cost = CostModel(coefficients: .init(constant: 0.2, perPrefix: 0.001, perToken: 0.05, perAttended: 1e-5,
                                             perDecodeContext: 1e-4, perDecodeToken: 0.06, perDecodeDistinctKey: 5e-4))
    let simulation = Simulation(configuration: config, shape: .kjvLlama12M, costModel: cost, capacity: .workingSetFraction)
    let report = try simulation.run(try simulation.makeWorkload(), machine: "test")
    for v in report.variants {
        let e = try #require(v.executeSeconds), p = try #require(v.predictedExecuteSeconds)
        #expect(abs(e - p) < 1e-9 * max(e, 1), "\(v.name): executed \(e) s, predicted \(p) s")
    }
    // The same run priced without the discount takes longer: shared context was really found.
    var noSharing = cost
    noSharing.coefficients.perDecodeContext += noSharing.coefficients.perDecodeDistinctKey
    noSharing.coefficients.perDecodeDistinctKey = 0
    let plain = Simulation(configuration: config, shape: .kjvLlama12M, costModel: noSharing, capacity: .workingSetFraction)
    let slower = try plain.run(try plain.makeWorkload(), machine: "test")
    #expect(slower.variants[0].predictedExecuteSeconds! > report.variants[0].predictedExecuteSeconds!)
}

/// An lru-prefix engine on a virtual clock priced by `cost`: 256 tokens of KV, a fixed budget of 64
/// tokens, for scenarios whose pass times are computed by hand.
func handComputedEngine(_ cost: CostModel) throws -> (engine: EngineCore, clock: VirtualClock) {
    var config = BenchConfiguration()
    config.policies = "lru-prefix"
    config.baselineBudget = .fixed(64)
    let simulation = Simulation(configuration: config, shape: .kjvLlama12M, costModel: cost, capacity: .tokens(256))
    return simulation.makeEngine(try config.variants()[0], kvTokens: 256)
}

/// The default chat workload, shrunk: asym and lru-prefix, one conversation per user.
func smallChat(users: Int, lengthScale: Double) -> BenchConfiguration {
    var config = BenchConfiguration()
    config.policies = "asym,lru-prefix"
    config.users = users
    config.jobsPerUser = 1
    config.lengthScale = lengthScale
    return config
}
