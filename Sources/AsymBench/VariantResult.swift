import Foundation

/// The metrics of one policy variant on one workload. Latencies in seconds; token counts summed
/// over every call (a preempted call counts each admission's lookup).
public struct VariantResult: Sendable, Codable {
    public var name: String
    public var budget: String
    public var calls: Int
    public var failures: [String]
    public var timeToFirstToken: LatencyStats?
    public var timePerOutputToken: LatencyStats?
    public var endToEndLatency: LatencyStats?
    public var jobLatency: LatencyStats?
    public var outputTokens: Int
    public var promptTokens: Int
    /// Run length on the bench clock (idle gaps included), and output tokens per second of it.
    public var makespan: Double
    public var outputTokensPerSecond: Double
    public var prefixHitTokens: Int
    public var holeTokens: Int
    public var suffixTokens: Int
    public var evictions: Int
    public var preemptions: Int
    public var iterations: Int
    /// Real seconds the run took, and clock seconds skipped while idle.
    public var wallSeconds: Double
    public var skippedSeconds: Double
    /// Clock seconds spent executing passes, and the cost model's prediction of those same passes
    /// (nil in reports written before they were recorded).
    public var executeSeconds: Double?
    public var predictedExecuteSeconds: Double?
    /// The same over decode-only passes.
    public var decodeOnlyExecuteSeconds: Double?
    public var decodeOnlyPredictedSeconds: Double?
    /// Seconds the engine's steps spent outside the pass (scheduler, cache manager, sampling,
    /// events): what the profile's step overhead stands for. Written to results.json for comparison
    /// with the profile; 0 in a simulation, whose step overhead is inside `executeSeconds`.
    public var stepOverheadSeconds: Double?
    /// Ascending per-call samples, for CDF plots.
    public var ttftSamples: [Double]
    public var tpotSamples: [Double]

    /// How much slower this run's passes were than the cost model predicted: measured over
    /// predicted execute time of its passes with prefill tokens, and of its decode-only passes.
    /// Nil without recorded times.
    public var passSlowdown: HostSlowdown? {
        guard let e = executeSeconds, let p = predictedExecuteSeconds, let de = decodeOnlyExecuteSeconds,
              let dp = decodeOnlyPredictedSeconds, e > de, p > dp, de > 0, dp > 0 else { return nil }
        return HostSlowdown(prefill: (e - de) / (p - dp), decode: de / dp)
    }

    /// Tokens computed for prompts: holes rebuilt plus uncached suffixes.
    public var recomputedTokens: Int { holeTokens + suffixTokens }

    public init(name: String, budget: String, outcome: DriverOutcome, evictions: Int, preemptions: Int, iterations: Int,
                wallSeconds: Double, skippedSeconds: Double, executeSeconds: Double? = nil,
                predictedExecuteSeconds: Double? = nil, decodeOnlyExecuteSeconds: Double? = nil,
                decodeOnlyPredictedSeconds: Double? = nil) {
        self.decodeOnlyExecuteSeconds = decodeOnlyExecuteSeconds
        self.decodeOnlyPredictedSeconds = decodeOnlyPredictedSeconds
        self.executeSeconds = executeSeconds
        self.predictedExecuteSeconds = predictedExecuteSeconds
        self.name = name
        self.budget = budget
        calls = outcome.calls.count
        failures = outcome.failures
        let ttft = outcome.calls.compactMap(\.timeToFirstToken).sorted()
        let tpot = outcome.calls.compactMap(\.timePerOutputToken).sorted()
        timeToFirstToken = LatencyStats(ttft)
        timePerOutputToken = LatencyStats(tpot)
        endToEndLatency = LatencyStats(outcome.calls.map(\.endToEndLatency))
        jobLatency = LatencyStats(outcome.jobs.map(\.latency))
        outputTokens = outcome.calls.reduce(0) { $0 + $1.outputTokens.count }
        promptTokens = outcome.calls.reduce(0) { $0 + $1.promptTokenCount }
        makespan = outcome.makespan
        outputTokensPerSecond = outcome.makespan > 0 ? Double(outputTokens) / outcome.makespan : 0
        prefixHitTokens = outcome.calls.reduce(0) { $0 + $1.cachedTokenCount }
        holeTokens = outcome.calls.reduce(0) { $0 + $1.holeTokenCount }
        suffixTokens = outcome.calls.reduce(0) { $0 + $1.suffixTokenCount }
        self.evictions = evictions
        self.preemptions = preemptions
        self.iterations = iterations
        self.wallSeconds = wallSeconds
        self.skippedSeconds = skippedSeconds
        ttftSamples = ttft
        tpotSamples = tpot
    }
}

/// Whether every policy produced the same output tokens for the same calls.
public struct LosslessCheck: Sendable, Codable, Equatable {
    public var identical: Bool
    /// Calls compared (present in every variant).
    public var comparedCalls: Int
    /// Up to 20 differences, "variant: job J call C differs at token T".
    public var differences: [String]

    /// Compares each variant's outputs with the first variant's, call by call.
    public init(_ runs: [(name: String, calls: [CallRecord])]) {
        var differences: [String] = []
        var mismatches = 0
        guard let reference = runs.first else {
            identical = true; comparedCalls = 0; self.differences = []; return
        }
        let key = { (c: CallRecord) in "\(c.jobID)/\(c.callIndex)" }
        let expected = Dictionary(reference.calls.map { (key($0), $0.outputTokens) }, uniquingKeysWith: { a, _ in a })
        var common = Set(expected.keys)
        for run in runs.dropFirst() {
            let got = Dictionary(run.calls.map { (key($0), $0.outputTokens) }, uniquingKeysWith: { a, _ in a })
            common.formIntersection(got.keys)
            if got.count != expected.count {
                mismatches += 1
                differences.append("\(run.name): \(got.count) calls finished, \(reference.name): \(expected.count)")
            }
            for (k, tokens) in got.sorted(by: { $0.key < $1.key }) {
                guard let want = expected[k], want != tokens else { continue }
                mismatches += 1
                let at = zip(want, tokens).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(want.count, tokens.count)
                if differences.count < 20 { differences.append("\(run.name): job/call \(k) differs from \(reference.name) at token \(at)") }
            }
        }
        identical = mismatches == 0
        comparedCalls = common.count
        self.differences = differences
    }

    public var summary: String {
        identical ? "identical outputs: yes (\(comparedCalls) requests)"
            : "identical outputs: NO (\(differences.count) differences listed)"
    }
}
