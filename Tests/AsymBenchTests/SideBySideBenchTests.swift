import AsymCore
import AsymCost
import AsymEngine
import AsymTestSupport
import Testing

@testable import AsymBench

@Suite("Side-by-side bench on tiny-llama")
struct SideBySideBenchTests {
    @Test func everyPolicyProducesIdenticalOutputsUnderMemoryPressure() throws {
        let loaded = try LoadedModel.load(TestFixtures.tinyLlama.path)
        var config = BenchConfiguration()
        config.workload = .agent
        config.users = 3
        config.lengthScale = 0.05
        config.timeScale = 0.01
        config.baselineBudget = .fixed(64)
        config.policies = "asym,asym-prefix,lru-prefix,radix-lru,none,asym+ttl,lru-prefix+ttl"
        let costModel = CostModel(coefficients: .init(constant: 1, perPrefix: 0.0001, perToken: 0.01, perAttended: 0.00001))
        let bench = ModelBench(loaded: loaded, configuration: config, costModel: costModel)
        let workload = try bench.makeWorkload()
        #expect(workload.jobs.count == 3 && workload.callCount > 6)
        var progressCalls = 0
        let report = try bench.run(workload, machine: "test") { _, _ in progressCalls += 1 }

        #expect(report.variants.count == 7 && progressCalls >= 7 * workload.callCount)
        #expect(report.variants.allSatisfy { $0.calls == workload.callCount && $0.failures.isEmpty })
        #expect(report.lossless.identical, "\(report.lossless.differences)")
        #expect(report.lossless.comparedCalls == workload.callCount)
        #expect(report.kvCacheTokens < report.workingSetTokens)
        #expect(report.variants.contains { $0.evictions > 0 })
        // Later calls of a job reuse its earlier context, except with `none`.
        let none = try #require(report.variants.first { $0.name == "none" })
        let lru = try #require(report.variants.first { $0.name == "lru-prefix" })
        #expect(none.prefixHitTokens == 0 && lru.prefixHitTokens > 0)
        #expect(report.variants.allSatisfy { $0.jobLatency?.count == 3 && $0.timeToFirstToken != nil })
        #expect(report.ratios.count == 4)
    }
}
