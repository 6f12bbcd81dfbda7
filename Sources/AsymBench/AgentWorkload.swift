import AsymCore
import Foundation

/// Tool-using agents: each job loops LLM call → tool pause → a call with the previous output and
/// the tool's output appended. Job latency (first arrival to last token) is the metric.
///
/// Defaults, before `lengthScale`:
/// - per-call output mean 182 tokens and a mean call input near 8.6K tokens: the Mooncake
///   tool-agent trace (FAST'25: 23,608 requests, mean input 8,596 and output 182); a 2,048-token
///   shared system prompt (tool descriptions), a 512-token task, tool outputs of mean 1,800 tokens
///   and 4–10 calls per job give that mean input;
/// - tool time log-normal, median 1 s, σ = 1.0: seconds-long pauses with a heavy tail, as the
///   Continuum paper describes for SWE-bench/BFCL agents (not fitted to a trace). `timeScale`
///   (default 0.25) keeps tool pauses and LLM calls in about the proportion they have on a loaded
///   GPU (a call with 8.6K input and 182 output tokens takes seconds there; with lengths ×0.125 it
///   takes a fraction of a second here), so 32 agents keep this 2-core machine ~80% busy
///   (simulated on the CPU profile) and job latency depends on the engine, not only on the tools;
/// - `+ttl` variants pin a job's KV for the 90th percentile of the tool time (Continuum chooses the
///   time-to-live from the tool-time distribution).
public struct AgentWorkload: Sendable {
    public var agents = 32
    public var jobsPerAgent = 1
    public var systemPromptTokens = 2048
    public var task = LengthDistribution(mean: 512, sigma: 0.5, bounds: 64 ... 2048)
    public var calls = 4 ... 10
    public var callOutput = LengthDistribution(mean: 182, sigma: 0.7, bounds: 16 ... 1024)
    public var toolOutput = LengthDistribution(mean: 1800, sigma: 0.8, bounds: 64 ... 8192)
    public var toolTimeMedian = 1.0
    public var toolTimeSigma = 1.0
    /// Think time before a job's first call (exponential mean).
    public var startDelayMean = 1.0
    /// Multiplies every token length (the embedded model's context is 2,048 tokens).
    public var lengthScale = 0.125
    /// Multiplies every time.
    public var timeScale = 0.25
    /// Poisson job arrivals at this rate (per second, after `timeScale`) instead of closed-loop agents.
    public var poissonRate: Double?
    public var seed: UInt64 = 1

    public init() {}

    /// Time-to-live of a pinned job's KV: the 90th percentile of the tool time (after `timeScale`).
    public var pinTTL: Double { toolTimeMedian * Foundation.exp(1.2816 * toolTimeSigma) * timeScale }

    public func make(contextLimit: Int, vocabulary: Range<TokenID>) -> Workload {
        var rng = WorkloadRandom(seed: seed)
        let taskLength = task.scaled(by: lengthScale), output = callOutput.scaled(by: lengthScale)
        let tool = toolOutput.scaled(by: lengthScale)
        let system = rng.tokens(Int((Double(systemPromptTokens) * lengthScale).rounded()), in: vocabulary)
        var jobs: [BenchJob] = []
        var start = 0.0
        for id in 0 ..< agents * jobsPerAgent {
            if let rate = poissonRate { start += rng.exponential(mean: 1 / rate) }
            let t = rng.tokens(taskLength.sample(&rng), in: vocabulary)
            var out = output.sample(&rng)
            var list = [BenchCall(newTokens: system + t, maxTokens: out, delay: rng.exponential(mean: startDelayMean * timeScale))]
            var context = system.count + t.count + out
            for _ in 1 ..< Int.random(in: calls, using: &rng) {
                let toolTokens = tool.sample(&rng)
                out = output.sample(&rng)
                let pause = rng.logNormal(median: toolTimeMedian, sigma: toolTimeSigma) * timeScale
                guard context + toolTokens + out < contextLimit else { break }
                list.append(BenchCall(newTokens: rng.tokens(toolTokens, in: vocabulary), maxTokens: out, delay: pause))
                context += toolTokens + out
            }
            jobs.append(BenchJob(id: id, startTime: start, calls: list))
        }
        let arrivals: ArrivalProcess = poissonRate == nil ? .closedLoop(users: agents) : .scheduled
        return Workload(
            name: "agent",
            parameters: [
                "\(jobs.count) agent jobs, \(arrivals)" + (poissonRate.map { String(format: ", Poisson %.2f/s", $0) } ?? ""),
                "system prompt \(system.count) tokens shared by all; task \(taskLength); \(calls.lowerBound)–\(calls.upperBound) calls per job, ending at the context limit",
                "call output \(output), tool output \(tool) tokens (Mooncake tool-agent trace means 8,596 in / 182 out; lengths ×\(lengthScale))",
                String(format: "tool time log-normal median %.2f s σ %.1f (Continuum-style seconds-long pauses; times ×%g); pin TTL %.2f s (p90)",
                       toolTimeMedian * timeScale, toolTimeSigma, timeScale, pinTTL),
                "seed \(seed)",
            ],
            jobs: jobs, arrivals: arrivals, pinTTL: pinTTL)
    }
}
