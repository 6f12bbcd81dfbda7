import AsymCore
import Foundation

/// Multi-turn chat: users share one long system prompt; each conversation appends a user message
/// and the answer per turn, with a think time before every message.
///
/// Defaults, before `lengthScale`:
/// - user message and answer means of 161 and 338 tokens: ShareGPT's per-turn input and output
///   means as reported in the vLLM paper (Kwon et al., SOSP'23); log-normal shape σ = 0.8;
/// - 4–8 turns: the multi-turn conversations of ShareGPT/LMSYS-Chat-1M (LMSYS-Chat-1M's mean over
///   all conversations is 2.0 turns; single-turn chats give a cache nothing to reuse);
/// - a 1,024-token system prompt shared by every user;
/// - think time: exponential. A person reads the answer (~240 words/min, Brysbaert 2019) and types
///   the next message (~40 words/min), about 60 s at full lengths. `timeScale` (default 1/20)
///   shrinks it so that 64 users keep this 2-core machine busy about 77% of the time under
///   `lru-prefix` (simulated on the CPU profile), as hundreds of users would load a GPU server;
/// - lengths ×0.5, so that conversations grow to the embedded model's 2,048-token context.
public struct ChatWorkload: Sendable {
    public var users = 64
    public var conversationsPerUser = 1
    public var systemPromptTokens = 1024
    public var turns = 4 ... 8
    public var userMessage = LengthDistribution(mean: 161, sigma: 0.8, bounds: 16 ... 1024)
    public var answer = LengthDistribution(mean: 338, sigma: 0.8, bounds: 16 ... 1024)
    public var thinkTimeMean = 60.0
    /// Multiplies every token length (the embedded model's context is 2,048 tokens).
    public var lengthScale = 0.5
    /// Multiplies every time.
    public var timeScale = 0.05
    /// Poisson conversation arrivals at this rate (per second, after `timeScale`) instead of closed-loop users.
    public var poissonRate: Double?
    public var seed: UInt64 = 1

    public init() {}

    /// The workload for a model with `contextLimit` positions whose ordinary tokens are `vocabulary`.
    public func make(contextLimit: Int, vocabulary: Range<TokenID>) -> Workload {
        var rng = WorkloadRandom(seed: seed)
        let message = userMessage.scaled(by: lengthScale), reply = answer.scaled(by: lengthScale)
        let system = rng.tokens(Int((Double(systemPromptTokens) * lengthScale).rounded()), in: vocabulary)
        let think = thinkTimeMean * timeScale
        var jobs: [BenchJob] = []
        var start = 0.0
        for id in 0 ..< users * conversationsPerUser {
            if let rate = poissonRate { start += rng.exponential(mean: 1 / rate) }
            var calls: [BenchCall] = []
            var context = system.count
            let turnCount = Int.random(in: turns, using: &rng)
            for turn in 0 ..< turnCount {
                let m = message.sample(&rng), a = reply.sample(&rng)
                guard context + m + a < contextLimit else { break }
                let text = rng.tokens(m, in: vocabulary)
                calls.append(BenchCall(newTokens: turn == 0 ? system + text : text, maxTokens: a,
                                       delay: rng.exponential(mean: think)))
                context += m + a
            }
            jobs.append(BenchJob(id: id, startTime: start, calls: calls))
        }
        let arrivals: ArrivalProcess = poissonRate == nil ? .closedLoop(users: users) : .scheduled
        return Workload(
            name: "chat",
            parameters: [
                "\(jobs.count) conversations, \(arrivals)" + (poissonRate.map { String(format: ", Poisson %.2f/s", $0) } ?? ""),
                "system prompt \(system.count) tokens shared by all; \(turns.lowerBound)–\(turns.upperBound) turns (multi-turn ShareGPT/LMSYS-Chat-1M)",
                "user message \(message), answer \(reply) tokens (ShareGPT means 161/338, vLLM paper; lengths ×\(lengthScale))",
                String(format: "think time exponential, mean %.2f s (reading + typing ≈ %.0f s, times ×%g)", think,
                       thinkTimeMean, timeScale),
                "seed \(seed)",
            ],
            jobs: jobs, arrivals: arrivals)
    }
}
