import AsymCore
import AsymCost
import AsymEngine
import AsymKV
import AsymScheduler

/// A tiny cost model for tests: 1 ms per pass, 0.01 ms per token, attention 1e-5 ms per pair.
let testCostModel = CostModel(coefficients: .init(constant: 1, perPrefix: 0.0001, perToken: 0.01, perAttended: 0.00001))

/// Deterministic pseudo-random tokens.
func tokens(_ count: Int, seed: UInt64, vocabulary: Int = 97) -> [TokenID] {
    var rng = SplitMix64(seed: seed)
    return (0 ..< count).map { _ in TokenID(rng.next() % UInt64(vocabulary - 1)) + 1 }
}

/// Multi-turn conversations: each turn's prompt is the previous prompt, its answer and a new
/// user message. Turns of different conversations interleave; a shared system prompt makes
/// prefixes common across conversations.
struct MultiTurnWorkload {
    var conversations = 4
    var turns = 3
    var systemLength = 40
    var userLength = 30
    var maxTokens = 20
    var seed: UInt64 = 1
    var vocabulary = 97

    /// Runs the workload on an engine core, feeding each turn once the previous one finished,
    /// and returns every request's output tokens and last logits, by (conversation, turn).
    func run(_ core: EngineCore, sampling: SamplingParams) throws -> [String: (tokens: [TokenID], logits: [Float])] {
        let system = tokens(systemLength, seed: seed, vocabulary: vocabulary)
        var histories = (0 ..< conversations).map { _ in system }
        var results: [String: (tokens: [TokenID], logits: [Float])] = [:]
        for turn in 0 ..< turns {
            var summaries: [Int: GenerationSummary] = [:]
            for c in 0 ..< conversations {
                histories[c] += tokens(userLength + 7 * c, seed: seed &+ UInt64(100 * c + turn), vocabulary: vocabulary)
                var params = sampling
                params.maxTokens = maxTokens
                params.seed = sampling.seed.map { $0 &+ UInt64(c * 10 + turn) }
                let request = GenerationRequest(prompt: .tokens(histories[c]), sampling: params, returnLogits: true)
                try core.add(request) { event in
                    if case .finished(let s) = event { summaries[c] = s }
                }
            }
            while core.hasWork { core.step() }
            for c in 0 ..< conversations {
                let s = summaries[c]!
                precondition(s.finishReason == .length || s.finishReason == .stop, "\(s.finishReason) \(s.error ?? "")")
                results["\(c)/\(turn)"] = (s.outputTokens, s.logits.last ?? [])
                histories[c] += s.outputTokens
            }
        }
        return results
    }
}

func makeCore(policy: PolicyKind, blocks: Int, budget: TokenBudget, maxRunning: Int = 256) -> (EngineCore, FakeExecutor) {
    let executor = FakeExecutor(blockCount: blocks)
    executor.keepPlans = false
    var time = 0.0
    let core = EngineCore(
        executor: executor, tokenizer: nil, eosTokenIDs: [], costModel: testCostModel,
        config: EngineConfig(policy: policy, scheduler: SchedulerConfig(budget: budget, maxRunningSequences: maxRunning),
                             contextLimit: 100_000),
        clock: { time += 0.001; return time })
    return (core, executor)
}

/// Runs `scheduler` to completion over `executor`, one pass every `secondsPerPass` of its clock;
/// greedy "sampling" takes the argmax of the fake logits, and a sequence finishes after `maxTokens`.
/// `inspect` sees every batch before it runs.
func driveGreedy(_ scheduler: Scheduler, executor: FakeExecutor, maxTokens: Int, secondsPerPass: Double,
                 inspect: (ScheduledBatch) -> Void = { _ in }) throws {
    var now = 0.0
    while let batch = scheduler.schedule(now: now) {
        inspect(batch)
        let out = try executor.execute(batch.plan)
        now += secondsPerPass
        scheduler.complete(batch, now: now)
        for (entry, logits) in zip(batch.entries, out) where entry.samples {
            let row = Array(logits.row(0))
            scheduler.append(TokenID(row.indices.max { row[$0] < row[$1] }!), to: entry.sequence)
            if entry.sequence.generatedTokenCount >= maxTokens { scheduler.finish(entry.sequence, now: now) }
        }
    }
}
