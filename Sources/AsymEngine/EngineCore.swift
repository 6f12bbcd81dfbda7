import AsymCore
import AsymCost
import AsymKV
import AsymScheduler
import AsymTokenizer

/// Engine-wide settings.
public struct EngineConfig: Sendable {
    public var policy: PolicyKind
    public var scheduler: SchedulerConfig
    /// Largest position + 1 a sequence may reach (the model's context limit).
    public var contextLimit: Int

    public init(policy: PolicyKind = .asym, scheduler: SchedulerConfig = SchedulerConfig(), contextLimit: Int) {
        self.policy = policy
        self.scheduler = scheduler
        self.contextLimit = contextLimit
    }
}

/// Counters an operator or a benchmark reads.
public struct EngineStats: Sendable {
    public var runningCount = 0
    public var waitingCount = 0
    public var iterations = 0
    public var prefillTokens = 0
    public var decodeTokens = 0
    public var preemptions = 0
    public var finishedRequests = 0
    public var kv: KVCacheStats
    public var usedBlocks = 0
    public var totalBlocks = 0
    /// Seconds spent in the scheduler and cache manager, in the executor, and sampling and
    /// detokenizing.
    public var scheduleSeconds = 0.0
    public var executeSeconds = 0.0
    /// What the cost model predicted for the passes in `executeSeconds` (compare the two to see
    /// how well the profile fits this workload's passes).
    public var predictedExecuteSeconds = 0.0
    /// The same two sums over decode-only passes (no prefill token): most output tokens are
    /// produced by them, so their error drives TPOT.
    public var decodeOnlyExecuteSeconds = 0.0
    public var decodeOnlyPredictedSeconds = 0.0
    public var sampleSeconds = 0.0
}

/// The synchronous core: one owner, one iteration per `step()` (schedule → execute → sample →
/// postprocess). The threaded `Engine`, the benchmark and the simulator all drive this type.
public final class EngineCore {
    public let executor: any ModelExecutor
    public let tokenizer: Tokenizer?
    public let scheduler: Scheduler
    public let config: EngineConfig
    public let eosTokenIDs: Set<TokenID>
    /// The engine's clock, in seconds. Real time for serving; virtual time in the simulator.
    public let clock: () -> Double
    private var trackers: [RequestID: OutputTracker] = [:]
    private var nextID: UInt64 = 1
    public private(set) var stats: EngineStats

    public init(executor: any ModelExecutor, tokenizer: Tokenizer?, eosTokenIDs: [TokenID], costModel: CostModel,
                config: EngineConfig, clock: @escaping () -> Double) {
        self.executor = executor
        self.tokenizer = tokenizer
        self.eosTokenIDs = Set(eosTokenIDs)
        self.config = config
        self.clock = clock
        let kv = KVCacheManager(blockCount: executor.blockCount, blockSize: executor.blockSize, policy: config.policy,
                                costModel: costModel)
        scheduler = Scheduler(kv: kv, costModel: costModel, config: config.scheduler)
        stats = EngineStats(kv: kv.stats, totalBlocks: kv.blockCount)
    }

    public var hasWork: Bool { scheduler.hasWork }

    /// Turns a request's prompt into tokens.
    public func promptTokens(_ prompt: GenerationRequest.Prompt) throws -> [TokenID] {
        switch prompt {
        case .tokens(let t): return t
        case .text(let s):
            guard let tokenizer else { throw EngineError.noTokenizer }
            return tokenizer.encode(s)
        case .messages(let m):
            guard let tokenizer else { throw EngineError.noTokenizer }
            return try tokenizer.encodeChat(m, addGenerationPrompt: true)
        }
    }

    /// Queues a request; events go to `sink` from inside `step()`. Throws for a request that can
    /// never run (empty or too long prompt, bad sampling values, full queue).
    @discardableResult
    public func add(_ request: GenerationRequest, sink: @escaping (GenerationEvent) -> Void) throws -> RequestID {
        let tokens = try promptTokens(request.prompt)
        try validate(request.sampling, promptLength: tokens.count)
        let id = RequestID(nextID)
        nextID += 1
        let namespace = request.cacheSalt.map { CacheNamespace(stableHash($0)) } ?? .shared
        let sequence = SequenceState(id: id, prompt: tokens, namespace: namespace, arrivalTime: clock())
        try scheduler.add(sequence)
        trackers[id] = OutputTracker(sequence: sequence, request: request, tokenizer: tokenizer,
                                     eosTokenIDs: eosTokenIDs, sink: sink)
        return id
    }

    private func validate(_ p: SamplingParams, promptLength: Int) throws {
        guard promptLength > 0 else { throw EngineError.invalidRequest("the prompt is empty") }
        guard promptLength < config.contextLimit else {
            throw EngineError.promptTooLong(tokens: promptLength, limit: config.contextLimit)
        }
        guard p.maxTokens >= 1 else { throw EngineError.invalidRequest("max_tokens must be at least 1") }
        guard p.temperature >= 0, p.temperature.isFinite else { throw EngineError.invalidRequest("temperature must be >= 0") }
        guard p.topP > 0, p.topP <= 1 else { throw EngineError.invalidRequest("top_p must be in (0, 1]") }
        guard p.topK >= 0 else { throw EngineError.invalidRequest("top_k must be >= 0") }
    }

    /// Cancels a request; its blocks are released at once. Returns false if it is unknown.
    @discardableResult
    public func cancel(_ id: RequestID) -> Bool {
        guard let tracker = trackers.removeValue(forKey: id) else { return false }
        let now = clock()
        scheduler.abort(id, now: now)
        refreshStats()
        tracker.sink(.finished(tracker.summary(reason: .cancelled, now: now)))
        return true
    }

    /// Runs one iteration. Returns false when there was nothing to do.
    @discardableResult
    public func step() -> Bool {
        let t0 = clock()
        let scheduled = scheduler.schedule(now: t0)
        let dropped = scheduler.takeDropped()
        for s in dropped {  // outgrew the whole KV pool
            if let tracker = trackers[s.id] { finish(tracker, reason: .length, now: t0) }
        }
        guard let batch = scheduled else { return !dropped.isEmpty }
        let t1 = clock()
        let outputs: [SequenceLogits]
        do {
            outputs = try executor.execute(batch.plan)
        } catch {
            failAll(batch, error: "\(error)")
            return true
        }
        let t2 = clock()
        scheduler.complete(batch, now: t2)
        let t3 = clock()
        for (entry, logits) in zip(batch.entries, outputs) where entry.samples {
            guard let tracker = trackers[entry.sequence.id] else { continue }
            let row = logits.row(0)
            let token = Sampler.sample(row, params: tracker.request.sampling, random: &tracker.random)
            if tracker.request.returnLogits { tracker.logits.append(Array(row)) }
            scheduler.append(token, to: entry.sequence)
            if let reason = tracker.accept(token, now: t2, contextLimit: config.contextLimit) {
                finish(tracker, reason: reason, now: t2)
            }
        }
        stats.iterations += 1
        stats.prefillTokens += batch.prefillTokenCount
        stats.decodeTokens += batch.decodeTokenCount
        stats.scheduleSeconds += (t1 - t0) + (t3 - t2)
        stats.executeSeconds += t2 - t1
        stats.predictedExecuteSeconds += batch.predictedMs / 1000
        if batch.prefillTokenCount == 0 {
            stats.decodeOnlyExecuteSeconds += t2 - t1
            stats.decodeOnlyPredictedSeconds += batch.predictedMs / 1000
        }
        stats.sampleSeconds += clock() - t3
        refreshStats()
        return true
    }

    private func finish(_ tracker: OutputTracker, reason: FinishReason, error: String? = nil, now: Double) {
        var hints = tracker.sequence.hints
        if let ttl = tracker.request.pinTTL, reason != .cancelled, reason != .error { hints.pinUntil = now + ttl }
        scheduler.finish(tracker.sequence, now: now, hints: hints)
        trackers[tracker.sequence.id] = nil
        stats.finishedRequests += 1
        tracker.sink(.finished(tracker.summary(reason: reason, error: error, now: now)))
    }

    /// An executor failure ends the pass's requests with an error and frees their blocks.
    private func failAll(_ batch: ScheduledBatch, error: String) {
        let now = clock()
        for entry in batch.entries {
            if let tracker = trackers[entry.sequence.id] { finish(tracker, reason: .error, error: error, now: now) }
        }
    }

    public func refreshStats() {
        stats.runningCount = scheduler.running.count
        stats.waitingCount = scheduler.waiting.count
        stats.preemptions = scheduler.preemptionCount
        stats.kv = scheduler.kv.stats
        stats.usedBlocks = scheduler.kv.usedBlockCount
    }
}

/// Errors a request can meet before it runs.
public enum EngineError: Error, Equatable, CustomStringConvertible {
    case promptTooLong(tokens: Int, limit: Int)
    case invalidRequest(String)
    case noTokenizer
    case shutDown

    public var description: String {
        switch self {
        case .promptTooLong(let t, let l): "the prompt has \(t) tokens; the model's context limit is \(l)"
        case .invalidRequest(let m): m
        case .noTokenizer: "this engine has no tokenizer: send token ids"
        case .shutDown: "the engine is shutting down"
        }
    }
}

/// FNV-1a over UTF-8: a fixed, process-independent hash for cache salts.
func stableHash(_ s: String) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    return h
}
