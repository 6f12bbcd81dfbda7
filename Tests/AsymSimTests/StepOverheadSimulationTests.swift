import AsymBench
import AsymCore
import AsymCost
import AsymEngine
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
    let (engine, _) = try handComputedEngine(cost)
    let done = Finished()
    try engine.add(GenerationRequest(prompt: .tokens(Array(100 ..< 110)),
                                     sampling: SamplingParams(temperature: 0, maxTokens: 2, ignoreEOS: true))) {
        if case .finished(let s) = $0 { done.summary = s }
    }
    while engine.hasWork { engine.step() }
    return try #require(done.summary).finishTime
}

@Test func stepOverheadIsAddedToEveryPass() throws {
    // Pass 1: prompt 0..<10 = 1 + 10 = 11 ms, + 0.5 + 0.25 × 1 sequence + 0.125 × 1 block. Pass 2: decode
    // at 10 = 1 + 1 + 1 = 3 ms (constant, the decode token priced as a query token, 10 × 0.1), + 0.875.
    #expect(abs(try runOneRequest(step: nil) - 0.014) < 1e-12)
    #expect(abs(try runOneRequest(step: StepOverhead(fixedMs: 0.5, perSequenceMs: 0.25)) - 0.0155) < 1e-12)
    #expect(abs(try runOneRequest(step: StepOverhead(fixedMs: 0.5, perSequenceMs: 0.25, perContextBlockMs: 0.125)) - 0.01575) < 1e-12)
}

@Test func jitteredReplicasAreSeededAndCenteredOnThePrediction() throws {
    let config = smallChat(users: 4, lengthScale: 0.1)
    let cost = CostModel(coefficients: .init(constant: 2, perPrefix: 0.001, perToken: 0.05, perAttended: 1e-5))
    var simulation = Simulation(configuration: config, shape: .kjvLlama12M, costModel: cost, capacity: .workingSetFraction)
    let workload = try simulation.makeWorkload()
    let exact = try simulation.run(workload, machine: "test")
    simulation.jitter = 0.05
    let replicas = try simulation.replicas(3, of: workload, machine: "test")
    let again = try simulation.replicas(3, of: workload, machine: "test")
    for (a, b) in zip(replicas, again) { #expect(a.variants[0].ttftSamples == b.variants[0].ttftSamples) }
    #expect(replicas[0].variants[0].ttftSamples != replicas[1].variants[0].ttftSamples)
    // Scattered passes average to their prediction: total simulated pass time stays within 2% of what
    // the scheduler predicted for the same passes, and outputs stay identical.
    for r in replicas {
        for v in r.variants {
            let e = try #require(v.executeSeconds), p = try #require(v.predictedExecuteSeconds)
            #expect(abs(e / p - 1) < 0.02, "\(v.name): \(e) s against \(p) s predicted")
        }
        #expect(r.lossless.identical)
    }
    #expect(exact.variants[0].ttftSamples != replicas[0].variants[0].ttftSamples)
    // The validation and the replica summary average the replicas and report their range.
    let validation = SimulationValidation(measured: exact, replicas: replicas)
    let summary = ReplicaSummary(replicas)
    #expect(validation.rows.count == 2 && summary.rows.count == 2 && summary.ratios.count == 1)
    for (row, s) in zip(validation.rows, summary.rows) {
        let means = replicas.map { r in r.variants.first { $0.name == row.policy }!.timeToFirstToken!.mean }
        #expect(abs(row.simulatedTTFT.mean - means.reduce(0, +) / 3) < 1e-15)
        #expect(row.simulatedTTFT.min == means.min() && row.simulatedTTFT.max == means.max() && row.simulatedTTFT.min < row.simulatedTTFT.max)
        #expect(s.variant == row.policy && s.ttft == row.simulatedTTFT && s.tpot == row.simulatedTPOT)
    }
    // Ratios are taken within each replica, then spread.
    let ratios = replicas.map { $0.ratios[0].timeToFirstToken! }
    #expect(summary.ratios[0].label == "lru-prefix / asym" && summary.ratios[0].ttft == Spread(ratios))
    #expect(summary.tables().contains("| lru-prefix / asym | "))
}

@Test func jitterHasTheRequestedSpread() throws {
    // One decode at position 100 costs exactly 1 + 1 + 10 = 12 ms; 4,000 jittered passes of it.
    let cost = CostModel(coefficients: .init(constant: 1, perPrefix: 0, perToken: 1, perAttended: 0, perDecodeContext: 0.1))
    let clock = VirtualClock()
    let executor = SimulatedExecutor(blockCount: 16, blockSize: 16, costModel: cost, clock: clock, jitter: 0.05, seed: 3)
    let plan = BatchPlan(sequences: [SequencePass(blockTable: (0 ..< 7).map { BlockID($0) },
                                                  segments: [QuerySegment(startPosition: 100, tokens: [1])], logitPositions: [100])])
    var times: [Double] = []
    for _ in 0 ..< 4000 {
        let before = clock.now()
        _ = try executor.execute(plan)
        times.append((clock.now() - before) * 1000 / 12)
    }
    let mean = times.reduce(0, +) / Double(times.count)
    let sd = (times.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(times.count - 1)).squareRoot()
    #expect(abs(mean - 1) < 0.005 && abs(sd - 0.05) < 0.005, "mean \(mean), sd \(sd)")
    // Uniform: never beyond mean ± √3 σ.
    #expect(times.allSatisfy { abs($0 - 1) <= 0.05 * 3.0.squareRoot() + 1e-12 })
}

@Test func hostSlowdownScalesDecodeAndPrefillPricesApart() {
    var model = CostModel(coefficients: .init(constant: 0.1, perPrefix: 1e-4, perToken: 0.05, perAttended: 2e-5,
                                              perSmallPassToken: 0.004, perDecodeContext: 1e-4, perDecodeToken: 0.06,
                                              perLoneDecode: -0.02, perLoneDecodeContext: 1e-5))
    model.stepOverhead = StepOverhead(fixedMs: 0.01, perSequenceMs: 0.002, perContextBlockMs: 0.0001)
    let slow = model.scaled(by: HostSlowdown(prefill: 2, decode: 3))
    // A decode-only pass (lone or batched) and the step overhead pay the decode factor throughout.
    for decodes in [[300], [300, 700, 900]] {
        #expect(abs(slow.passTime(segments: [], decodeContexts: decodes) - 3 * model.passTime(segments: [], decodeContexts: decodes)) < 1e-12)
    }
    #expect(abs(slow.stepOverheadMs(sequences: 4, contextBlocks: 90) - 3 * model.stepOverheadMs(sequences: 4, contextBlocks: 90)) < 1e-15)
    // A prefill pass pays the prefill factor on its segments, the decode factor on the per-pass prices.
    let segments = [256 ..< 512]
    let perPass = model.coefficients.constant + model.coefficients.perSmallPassToken * 64
    #expect(abs(slow.passTime(segments: segments) - (3 * perPass + 2 * (model.passTime(segments: segments) - perPass))) < 1e-12)
    #expect(model.scaled(by: HostSlowdown(prefill: 1, decode: 1)) == model)
}
