import AsymCore
import AsymKV
import AsymScheduler
import Foundation
import Testing

@testable import AsymBench

@Suite("Metrics and reports")
struct MetricsTests {
    @Test func percentilesInterpolateBetweenRanks() throws {
        let s = try #require(LatencyStats((1 ... 100).map(Double.init).reversed()))
        #expect(s.mean == 50.5 && s.count == 100)
        #expect(abs(s.p50 - 50.5) < 1e-9 && abs(s.p90 - 90.1) < 1e-9 && abs(s.p99 - 99.01) < 1e-9)
        let one = try #require(LatencyStats([3]))
        #expect(one.p50 == 3 && one.p99 == 3)
        #expect(LatencyStats([]) == nil)
    }

    @Test func warpClockJumpsOverIdleTime() {
        var wall = 10.0
        let clock = WarpClock { wall }
        #expect(clock.now() == 0)
        wall = 11
        clock.idle(until: 5)
        #expect(clock.now() == 5 && clock.skippedSeconds == 4)
        clock.idle(until: 2)  // the past: no change
        #expect(clock.now() == 5)
    }

    @Test func policyListsParseWithTTLAndBudgets() throws {
        let v = try PolicyVariant.parseList("asym, lru-prefix+ttl,asym@fixed:2048", asymBudget: .adaptive(targetMs: nil),
                                            baselineBudget: .fixed(512)).get()
        #expect(v.map(\.name) == ["asym", "lru-prefix+ttl", "asym@fixed:2048"])
        #expect(v[0].budget == .adaptive(targetMs: nil) && v[1].budget == .fixed(512) && v[1].pinsDuringToolPauses)
        #expect(v[2].budget == .fixed(2048) && v[2].policy == .asym)
        #expect(throws: PolicyListError.self) {
            try PolicyVariant.parseList("fifo", asymBudget: .fixed(1), baselineBudget: .fixed(1)).get()
        }
    }

    @Test func policyListsParseAdmissionOrders() throws {
        let v = try PolicyVariant.parseList("asym+fcfs,lru-prefix+ttl+spf,asym+ttl,asym+spf", asymBudget: .fixed(1),
                                            baselineBudget: .fixed(1)).get()
        // A variant's name shows its order only when it differs from its policy's default.
        #expect(v.map(\.name) == ["asym+fcfs", "lru-prefix+ttl+spf", "asym+ttl", "asym"])
        #expect(v[0].admissionOrder == .fcfs && v[1].admissionOrder == .shortestPrefillFirst(slack: 10))
        #expect(v[1].pinsDuringToolPauses && v[2].admissionOrder == .default(for: .asym))
        #expect(throws: PolicyListError.self) {
            try PolicyVariant.parseList("asym+lpm", asymBudget: .fixed(1), baselineBudget: .fixed(1)).get()
        }
    }

    @Test func losslessCheckFindsTheFirstDifferingToken() {
        let a = [call(0, [1, 2, 3]), call(1, [4, 5])]
        let same = LosslessCheck([("asym", a), ("none", a)])
        #expect(same.identical && same.comparedCalls == 2 && same.summary == "identical outputs: yes (2 requests)")
        let other = LosslessCheck([("asym", a), ("none", [call(0, [1, 9, 3]), call(1, [4, 5])])])
        #expect(!other.identical && other.differences == ["none: job/call 0/0 differs from asym at token 1"])
    }

    @Test func ratiosCompareEachBaselineWithTheMatchingAsym() {
        let results = [result("asym", ttft: [0.1]), result("lru-prefix", ttft: [0.3]), result("asym+ttl", ttft: [0.2]),
                       result("lru-prefix+ttl", ttft: [0.5]), result("lru-prefix@fixed:64", ttft: [0.9])]
        let r = Ratio.all(results)
        #expect(r.map(\.variant) == ["lru-prefix", "lru-prefix+ttl"])
        #expect(abs(r[0].timeToFirstToken! - 3) < 1e-9 && r[1].reference == "asym+ttl" && abs(r[1].timeToFirstToken! - 2.5) < 1e-9)
    }

    @Test func reportWritesJSONMarkdownAndSVG() throws {
        let w = Workload(name: "chat", parameters: ["p"], jobs: [], arrivals: .closedLoop(users: 1))
        let report = BenchReport(model: "m", machine: "cpu", workload: w, kvCacheTokens: 100, workingSetTokens: 250,
                                 variants: [result("asym", ttft: [0.01, 0.02]), result("none", ttft: [0.05, 0.5])],
                                 lossless: LosslessCheck([]), wallSeconds: 1)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asymbench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = try report.write(to: dir)
        #expect(files.map(\.lastPathComponent) == ["results.json", "report.md", "plot.svg"])
        let decoded = try JSONDecoder().decode(BenchReport.self, from: Data(contentsOf: files[0]))
        #expect(decoded.variants.map(\.name) == ["asym", "none"] && decoded.ratios.count == 1)
        let md = try String(contentsOf: files[1], encoding: .utf8)
        #expect(md.contains("| none") && md.contains("40% of the working set") && md.contains("identical outputs: yes"))
        let svg = try String(contentsOf: files[2], encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("<polyline") && svg.hasSuffix("</svg>\n"))
    }

    private func call(_ job: Int, _ tokens: [TokenID]) -> CallRecord {
        CallRecord(jobID: job, callIndex: 0, arrival: 0, promptTokenCount: 4, outputTokens: tokens, finishReason: "length",
                   timeToFirstToken: 0.1, timePerOutputToken: 0.01, endToEndLatency: 0.2, cachedTokenCount: 0,
                   holeTokenCount: 0, suffixTokenCount: 4, preemptionCount: 0)
    }

    private func result(_ name: String, ttft: [Double]) -> VariantResult {
        var calls = ttft.enumerated().map { call($0.offset, [1, 2]) }
        for i in calls.indices { calls[i].timeToFirstToken = ttft[i] }
        let outcome = DriverOutcome(calls: calls, jobs: [JobRecord(jobID: 0, start: 0, end: 1)], failures: [], makespan: 2)
        return VariantResult(name: name, budget: "fixed:16", outcome: outcome, evictions: 0, preemptions: 0,
                             iterations: 1, wallSeconds: 1, skippedSeconds: 0)
    }
}
