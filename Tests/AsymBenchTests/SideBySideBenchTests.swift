import AsymCore
import AsymCost
import AsymEngine
import AsymScheduler
import AsymTestSupport
import Foundation
import Testing

@testable import AsymBench

@Suite("Side-by-side bench on tiny-llama")
struct SideBySideBenchTests {
    /// Two agent jobs of three calls over a shared 32-token system prompt, contexts under 80
    /// tokens (tiny-llama is slow in debug builds), KV memory below the working set.
    func tinyAgentWorkload() -> Workload {
        var rng = WorkloadRandom(seed: 11)
        let system = rng.tokens(32, in: 3 ..< 1000)
        let jobs = (0 ..< 2).map { id in
            BenchJob(id: id, startTime: 0, calls: [
                BenchCall(newTokens: system + rng.tokens(8, in: 3 ..< 1000), maxTokens: 4, delay: 0.001 * Double(id)),
                BenchCall(newTokens: rng.tokens(12, in: 3 ..< 1000), maxTokens: 4, delay: 0.02),
                BenchCall(newTokens: rng.tokens(12, in: 3 ..< 1000), maxTokens: 4, delay: 0.05),
            ])
        }
        return Workload(name: "agent", parameters: ["tiny"], jobs: jobs, arrivals: .closedLoop(users: 2), pinTTL: 0.03)
    }

    @Test func everyPolicyProducesIdenticalOutputsUnderMemoryPressure() throws {
        let loaded = try LoadedModel.load(TestFixtures.tinyLlama.path)
        var config = BenchConfiguration()
        config.kvCacheTokens = 96
        config.baselineBudget = .fixed(32)
        config.policies = "asym,asym-prefix,lru-prefix,radix-lru,none,asym+ttl,lru-prefix+ttl"
        let costModel = CostModel(coefficients: .init(constant: 1, perPrefix: 0.0001, perToken: 0.01, perAttended: 0.00001))
        let bench = ModelBench(loaded: loaded, configuration: config, costModel: costModel)
        let workload = tinyAgentWorkload()
        var lastProgress: [Int: Int] = [:]
        let report = try bench.run(workload, machine: "test") { variant, done in lastProgress[variant] = done }

        #expect(report.variants.count == 7 && lastProgress == Dictionary(uniqueKeysWithValues: (0 ..< 7).map { ($0, workload.callCount) }))
        #expect(report.variants.allSatisfy { $0.calls == workload.callCount && $0.failures.isEmpty })
        #expect(report.lossless.identical, "\(report.lossless.differences)")
        #expect(report.lossless.comparedCalls == workload.callCount)
        #expect(report.kvCacheTokens < report.workingSetTokens)
        #expect(report.variants.contains { $0.evictions > 0 })
        // Later calls of a job reuse its earlier context, except with `none`.
        let none = try #require(report.variants.first { $0.name == "none" })
        let lru = try #require(report.variants.first { $0.name == "lru-prefix" })
        #expect(none.prefixHitTokens == 0 && lru.prefixHitTokens > 0)
        #expect(report.variants.allSatisfy { $0.jobLatency?.count == 2 && $0.timeToFirstToken != nil })
        #expect(report.ratios.count == 4)
    }
}
