import AsymCore
import AsymCost
import AsymKV
import DequeModule

/// Turns cache lookups into multi-segment passes, one iteration at a time.
///
/// Every iteration (`schedule`): running decodes go first, one token each, growing their block
/// tables (preempting the newest sequence, vLLM-style by recompute, when the pool is full). Then
/// prefill work — holes and suffixes — is taken in ascending position order per sequence, from
/// running sequences first and then by admitting waiting ones in arrival order, until the token
/// budget is spent. A sequence's holes and suffix go into the same pass when the budget allows,
/// and a chunk boundary may fall anywhere, even inside a hole. After the pass, `complete` marks
/// positions computed and commits full blocks; the caller samples, then `append`s or `finish`es.
public final class Scheduler {
    public let kv: KVCacheManager
    public let costModel: CostModel
    public let config: SchedulerConfig
    public private(set) var waiting: Deque<SequenceState> = []
    public private(set) var running: [SequenceState] = []
    /// Pass-time target of the adaptive budget while decodes are running (the TPOT target), in ms.
    public let targetMs: Double
    /// Pass-time target of the adaptive budget for passes without decodes, in ms.
    public let idleTargetMs: Double
    private var nextAdmissionOrder: UInt64 = 0
    /// Per block: the pass that last counted it as decode context (`SharedContextCounter`).
    private var sharedContext: SharedContextCounter
    public private(set) var preemptionCount = 0
    /// Sequences dropped because they outgrew the whole pool (nothing else held blocks and they
    /// still could not be admitted). The caller ends them (`takeDropped`).
    private var dropped: [SequenceState] = []

    /// Sequences dropped since the last call; each is finished and holds no blocks.
    public func takeDropped() -> [SequenceState] {
        defer { dropped.removeAll() }
        return dropped
    }

    public init(kv: KVCacheManager, costModel: CostModel, config: SchedulerConfig = SchedulerConfig()) {
        self.kv = kv
        self.costModel = costModel
        self.config = config
        sharedContext = SharedContextCounter(blockCount: kv.blockCount)
        if case .adaptive(let t) = config.budget {
            targetMs = t ?? TokenBudget.defaultTargetMs(costModel)
            idleTargetMs = TokenBudget.idleTargetMs(costModel, targetMs: targetMs)
        } else {
            (targetMs, idleTargetMs) = (0, 0)
        }
    }

    public var hasWork: Bool { !waiting.isEmpty || !running.isEmpty }

    /// Queues a request. Throws if it can never fit in the pool or the queue is full.
    public func add(_ sequence: SequenceState) throws {
        let needed = sequence.tokens.count + 1
        guard needed <= kv.blockCount * kv.blockSize else {
            throw SchedulerError.requestNeverFits(tokens: needed, capacityTokens: kv.blockCount * kv.blockSize)
        }
        guard waiting.count < config.maxWaitingRequests else {
            throw SchedulerError.waitingQueueFull(limit: config.maxWaitingRequests)
        }
        sequence.status = .waiting
        if case .shortestPrefillFirst(let slack) = config.admissionOrder {
            let lookup = kv.lookup(tokens: sequence.tokens, namespace: sequence.namespace)
            sequence.admissionKey = sequence.arrivalTime + slack * costModel.rebuildTime(lookup.segmentsToCompute) / 1000
        }
        waiting.append(sequence)
    }

    // MARK: - One iteration

    /// Builds the next pass, or nil when there is nothing to run.
    public func schedule(now: Double) -> ScheduledBatch? {
        growDecodes(now: now)
        var selection = Selection()
        // 1. Decodes: every running sequence whose only pending position is its last token.
        sharedContext.startPass()
        for s in running where s.unsyncedTokenCount == 0 && isDecodeOnly(s) {
            selection.add(s, segments: s.pending, isDecode: true)
            if let table = kv.blockTable(of: s.id) {
                selection.sharedDecodeContext += sharedContext.count(table, contextLength: s.pending[0].lowerBound,
                                                                     blockSize: kv.blockSize)
            }
        }
        // 2. Prefill of running sequences, oldest admission first.
        for s in running where !isDecodeOnly(s) && !s.pending.isEmpty {
            if !takePrefill(s, into: &selection) { return build(selection) }
        }
        // 3. Admit waiting sequences in the configured order while the budget and the pool allow.
        while !waiting.isEmpty, running.count < config.maxRunningSequences, remainingTokens(selection) > 0 {
            moveNextAdmissionToFront()
            let s = waiting[0]
            guard admit(s, now: now) else { break }
            if !takePrefill(s, into: &selection) { break }
        }
        return build(selection)
    }

    /// Marks the pass's positions computed and commits every block it completed.
    public func complete(_ batch: ScheduledBatch, now: Double) {
        let bs = kv.blockSize
        for entry in batch.entries {
            let s = entry.sequence
            s.markComputed(entry.segments)
            var touched: [Int] = []
            for r in entry.segments { touched += Array(r.lowerBound / bs ... (r.upperBound - 1) / bs) }
            for block in Set(touched).sorted() where isComputed(s, block: block) {
                try? kv.commit(s.id, blocks: block ..< block + 1, now: now)
            }
        }
    }

    /// Appends a sampled token to a running sequence; it is computed by a later decode step.
    public func append(_ token: TokenID, to sequence: SequenceState) {
        precondition(sequence.status == .running)
        sequence.append(token)
    }

    /// Ends a sequence: its blocks go to the cache (committed) or the free pool.
    public func finish(_ sequence: SequenceState, now: Double, hints: RequestHints? = nil) {
        if let h = hints { sequence.hints = h }
        remove(sequence, now: now)
    }

    /// Cancels a request wherever it is. Returns false if it is unknown.
    @discardableResult
    public func abort(_ id: RequestID, now: Double) -> Bool {
        if let s = waiting.first(where: { $0.id == id }) ?? running.first(where: { $0.id == id }) {
            remove(s, now: now)
            return true
        }
        return false
    }

    // MARK: - Pieces

    private func remove(_ s: SequenceState, now: Double) {
        if s.status == .running {
            if s.hints.pinUntil != nil { try? kv.setHints(s.id, s.hints) }
            try? kv.release(s.id, now: now)
            running.removeAll { $0 === s }
        } else {
            waiting.removeAll { $0 === s }
        }
        s.status = .finished
        s.pending = []
    }

    /// Puts the waiting sequence to admit next at the head of `waiting` (FCFS: it already is).
    private func moveNextAdmissionToFront() {
        guard case .shortestPrefillFirst = config.admissionOrder, waiting.count > 1 else { return }
        var best = 0
        for i in 1 ..< waiting.count where waiting[i].admissionKey < waiting[best].admissionKey { best = i }
        if best != 0 { waiting.prepend(waiting.remove(at: best)) }
    }

    private func isDecodeOnly(_ s: SequenceState) -> Bool {
        s.pending.count == 1 && s.pending[0].count == 1 && s.pending[0].lowerBound == s.tokens.count - 1
            && s.generatedTokenCount > 0
    }

    private func isComputed(_ s: SequenceState, block: Int) -> Bool {
        let range = block * kv.blockSize ..< (block + 1) * kv.blockSize
        return range.upperBound <= s.tokens.count && !s.pending.contains { $0.overlaps(range) }
    }

    /// Makes room in the KV manager for tokens appended since the last pass, preempting the newest
    /// running sequences when the pool is full.
    private func growDecodes(now: Double) {
        var i = 0
        while i < running.count {
            let s = running[i]
            guard s.unsyncedTokenCount > 0 else { i += 1; continue }
            let fresh = Array(s.tokens.suffix(s.unsyncedTokenCount))
            do {
                try kv.appendTokens(fresh, to: s.id, now: now)
                s.unsyncedTokenCount = 0
                i += 1
            } catch {
                // Preempt the newest running sequence (possibly `s` itself) and retry.
                let victim = running.max { $0.admissionOrder < $1.admissionOrder }!
                preempt(victim, now: now)
                if victim === s { continue }
                i = running.firstIndex { $0 === s } ?? running.count
            }
        }
    }

    /// vLLM-style preemption by recompute: computed blocks go to the cache, the sequence waits at
    /// the head of the queue and is admitted again later (its tokens so far become its prompt).
    private func preempt(_ s: SequenceState, now: Double) {
        try? kv.release(s.id, now: now)
        running.removeAll { $0 === s }
        s.status = .waiting
        s.pending = []
        s.unsyncedTokenCount = 0
        s.preemptionCount += 1
        s.admissionKey = -.infinity
        preemptionCount += 1
        waiting.prepend(s)
    }

    /// Looks the sequence up and pins/allocates its blocks. False if the pool cannot hold it now.
    private func admit(_ s: SequenceState, now: Double) -> Bool {
        let admission: Admission
        do {
            admission = try kv.admit(s.id, tokens: s.tokens, namespace: s.namespace, hints: s.hints, now: now)
        } catch {
            if running.isEmpty {  // Every block is free or evictable, and it still does not fit.
                waiting.removeFirst()
                s.status = .finished
                dropped.append(s)
            }
            return false
        }
        waiting.removeFirst()
        s.status = .running
        s.pending = mergeAdjacent(admission.lookup.segmentsToCompute)
        s.hitTokenCount += admission.lookup.hitTokenCount
        s.holeTokenCount += admission.lookup.holeTokenCount
        s.suffixTokenCount += admission.lookup.suffixTokenCount
        s.admissionOrder = nextAdmissionOrder
        nextAdmissionOrder += 1
        running.append(s)
        return true
    }

    private func mergeAdjacent(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        for r in ranges where !r.isEmpty {
            if let last = out.last, last.upperBound == r.lowerBound { out[out.count - 1] = last.lowerBound ..< r.upperBound }
            else { out.append(r) }
        }
        return out
    }
}
