import AsymCore
import AsymCost
import AsymEngine
import AsymKV
import AsymScheduler
import Testing

/// The scheduler alone, driven by a small loop over a fake executor: no model.
@Suite("Scheduler")
struct SchedulerTests {
    /// Runs the scheduler to completion; greedy "sampling" takes the argmax of the fake logits.
    /// `inspect` sees every batch before it runs.
    func drive(_ scheduler: Scheduler, executor: FakeExecutor, maxTokens: Int,
               inspect: (ScheduledBatch) -> Void = { _ in }) throws {
        try driveGreedy(scheduler, executor: executor, maxTokens: maxTokens, secondsPerPass: 1, inspect: inspect)
    }

    func makeScheduler(policy: PolicyKind = .asym, blocks: Int, budget: TokenBudget) -> (Scheduler, FakeExecutor) {
        let executor = FakeExecutor(blockCount: blocks)
        let kv = KVCacheManager(blockCount: blocks, blockSize: 16, policy: policy, costModel: testCostModel)
        return (Scheduler(kv: kv, costModel: testCostModel, config: SchedulerConfig(budget: budget)), executor)
    }

    func addRequests(_ scheduler: Scheduler, count: Int, shared: Int = 32) throws -> [SequenceState] {
        let prefix = tokens(shared, seed: 99)
        return try (0 ..< count).map { i in
            let s = SequenceState(id: RequestID(UInt64(i + 1)), prompt: prefix + tokens(20 + 37 * i % 150, seed: UInt64(i)),
                                  arrivalTime: 0)
            try scheduler.add(s)
            return s
        }
    }

    @Test(arguments: [TokenBudget.fixed(64), .fixed(7), .adaptive(targetMs: 2)])
    func positionsAscendPerSequenceAndBudgetHolds(budget: TokenBudget) throws {
        let (scheduler, executor) = makeScheduler(blocks: 200, budget: budget)
        let sequences = try addRequests(scheduler, count: 8)
        var lastComputed: [RequestID: Int] = [:]
        try drive(scheduler, executor: executor, maxTokens: 4) { batch in
            if case .fixed(let n) = budget { #expect(batch.prefillTokenCount + batch.decodeTokenCount <= max(n, batch.decodeTokenCount)) }
            if case .adaptive(let t?) = budget, batch.prefillTokenCount > 16 {
                // The TPOT target binds while decodes run; passes without decodes may use the idle target.
                let limit = batch.decodeTokenCount > 0 ? t : scheduler.idleTargetMs
                #expect(batch.predictedMs <= limit + 1e-9)
            }
            for entry in batch.entries {
                var previous = -1
                for r in entry.segments {
                    #expect(r.lowerBound > previous, "segments ascend within a pass")
                    previous = r.upperBound - 1
                }
                // Across passes: every new position is above the last one computed.
                let id = entry.sequence.id
                if let last = lastComputed[id] { #expect(entry.segments[0].lowerBound > last) }
                lastComputed[id] = entry.segments.last!.upperBound - 1
            }
        }
        for s in sequences { #expect(s.status == .finished && s.generatedTokenCount == 4) }
        #expect(scheduler.kv.usedBlockCount == 0)
    }

    @Test func adaptiveBudgetChunksTightlyOnlyWhileDecodesRun() throws {
        // testCostModel: 1 ms per pass + 0.01 ms per token (+ small position terms).
        let (scheduler, executor) = makeScheduler(blocks: 400, budget: .adaptive(targetMs: 2))
        #expect(scheduler.idleTargetMs > 20)  // the baselines' 2048 tokens at P = 0
        let first = SequenceState(id: RequestID(1), prompt: tokens(40, seed: 1), arrivalTime: 0)
        try scheduler.add(first)
        let long = SequenceState(id: RequestID(2), prompt: tokens(1500, seed: 2), arrivalTime: 0)
        var largestIdlePrefill = 0, largestPrefillWithDecodes = 0
        var added = false
        try drive(scheduler, executor: executor, maxTokens: 5) { batch in
            if batch.decodeTokenCount == 0 {
                largestIdlePrefill = max(largestIdlePrefill, batch.prefillTokenCount)
            } else {
                largestPrefillWithDecodes = max(largestPrefillWithDecodes, batch.prefillTokenCount)
                #expect(batch.predictedMs <= 2 + 1e-9 || batch.prefillTokenCount <= 16)
                if !added { try? scheduler.add(long); added = true }
            }
        }
        // While `first` decodes, the long prompt comes in pieces of at most ~100 tokens (2 ms);
        // once it is alone, in larger ones.
        #expect(largestPrefillWithDecodes > 0 && largestPrefillWithDecodes <= 100)
        #expect(largestIdlePrefill > 500)
        #expect(long.status == .finished)
    }

    @Test func decodesAreNeverStarved() throws {
        // A long prompt arrives while short ones decode: every running decode is in every pass.
        let (scheduler, executor) = makeScheduler(blocks: 400, budget: .fixed(32))
        _ = try addRequests(scheduler, count: 3)
        let long = SequenceState(id: RequestID(100), prompt: tokens(1500, seed: 5), arrivalTime: 0)
        try scheduler.add(long)
        try drive(scheduler, executor: executor, maxTokens: 20) { batch in
            let decoding = scheduler.running.filter { $0.pending.count == 1 && $0.pending[0].count == 1 && $0.generatedTokenCount > 0 }
            let scheduled = Set(batch.entries.filter(\.isDecode).map(\.sequence.id))
            for s in decoding { #expect(scheduled.contains(s.id), "decode of \(s.id) skipped") }
        }
    }

    @Test func preemptionFreesAndResumes() throws {
        // 12 blocks hold about one and a half sequences: growth forces preemptions.
        let (scheduler, executor) = makeScheduler(policy: .lruPrefix, blocks: 12, budget: .fixed(64))
        let sequences = try (0 ..< 3).map { i in
            let s = SequenceState(id: RequestID(UInt64(i + 1)), prompt: tokens(60, seed: UInt64(i)), arrivalTime: 0)
            try scheduler.add(s)
            return s
        }
        try drive(scheduler, executor: executor, maxTokens: 40)
        #expect(scheduler.preemptionCount > 0)
        for s in sequences { #expect(s.status == .finished && s.generatedTokenCount == 40) }
        #expect(scheduler.kv.usedBlockCount == 0)
        try scheduler.kv.checkInvariants()
    }

    @Test(arguments: PolicyKind.allCases)
    func cancelFreesEveryBlock(policy: PolicyKind) throws {
        let (scheduler, executor) = makeScheduler(policy: policy, blocks: 100, budget: .fixed(40))
        let sequences = try addRequests(scheduler, count: 6)
        let initialFree = scheduler.kv.freeBlockCount
        for _ in 0 ..< 5 {
            guard let batch = scheduler.schedule(now: 0) else { break }
            _ = try executor.execute(batch.plan)
            scheduler.complete(batch, now: 0)
        }
        #expect(scheduler.kv.usedBlockCount > 0)
        for s in sequences { #expect(scheduler.abort(s.id, now: 1)) }
        #expect(scheduler.kv.usedBlockCount == 0)
        #expect(scheduler.kv.freeBlockCount + scheduler.kv.evictableBlockCount == initialFree)
        if policy == .none { #expect(scheduler.kv.freeBlockCount == initialFree) }
        #expect(!scheduler.hasWork)
        try scheduler.kv.checkInvariants()
    }

    @Test func requestThatNeverFitsIsRejected() throws {
        let (scheduler, _) = makeScheduler(blocks: 4, budget: .fixed(64))
        let s = SequenceState(id: RequestID(1), prompt: tokens(64, seed: 1), arrivalTime: 0)
        #expect(throws: SchedulerError.requestNeverFits(tokens: 65, capacityTokens: 64)) { try scheduler.add(s) }
    }
}
