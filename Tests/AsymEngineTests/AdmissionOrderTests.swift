import AsymCore
import AsymCost
import AsymKV
import AsymScheduler
import PropertyBased
import Testing

/// Which waiting request is admitted first, and that the order never changes an output.
@Suite("Admission order")
struct AdmissionOrderTests {
    func makeScheduler(_ order: AdmissionOrder, budget: TokenBudget = .fixed(16)) -> Scheduler {
        let kv = KVCacheManager(blockCount: 200, blockSize: 16, policy: .asym, costModel: testCostModel)
        return Scheduler(kv: kv, costModel: testCostModel, config: SchedulerConfig(budget: budget, admissionOrder: order))
    }

    /// The ids in the first pass, when a 600-token prompt arrives at 0 and a 20-token one at `shortArrival`.
    /// testCostModel predicts about 7 ms for the long prefill and 1.2 ms for the short one.
    func firstAdmitted(_ order: AdmissionOrder, shortArrival: Double) throws -> [RequestID] {
        let scheduler = makeScheduler(order)
        try scheduler.add(SequenceState(id: RequestID(1), prompt: tokens(600, seed: 1), arrivalTime: 0))
        try scheduler.add(SequenceState(id: RequestID(2), prompt: tokens(20, seed: 2), arrivalTime: shortArrival))
        let batch = try #require(scheduler.schedule(now: shortArrival))
        return batch.entries.map(\.sequence.id)
    }

    @Test func fcfsAdmitsInArrivalOrder() throws {
        #expect(try firstAdmitted(.fcfs, shortArrival: 0.001) == [RequestID(1)])
    }

    @Test func shortestPredictedPrefillGoesFirst() throws {
        // Long: key 0 + 10 × 0.007 s = 0.07; short: 0.001 + 10 × 0.0012 s = 0.013.
        #expect(try firstAdmitted(.shortestPrefillFirst(slack: 10), shortArrival: 0.001) == [RequestID(2)])
    }

    @Test func slackBoundsHowLongARequestIsOvertaken() throws {
        // The short request arrives 0.1 s after the long one: beyond 10 × the long one's 7 ms.
        #expect(try firstAdmitted(.shortestPrefillFirst(slack: 10), shortArrival: 0.1) == [RequestID(1)])
        // With a larger slack it still overtakes.
        #expect(try firstAdmitted(.shortestPrefillFirst(slack: 100), shortArrival: 0.1) == [RequestID(2)])
    }

    @Test func cachedPrefixMakesARequestShort() throws {
        // Two requests of equal length; the second's first 512 tokens are cached, so it goes first.
        let scheduler = makeScheduler(.shortestPrefillFirst(slack: 10), budget: .fixed(4096))
        let executor = FakeExecutor(blockCount: 200)
        let shared = tokens(512, seed: 7)
        let warm = SequenceState(id: RequestID(1), prompt: shared + tokens(8, seed: 8), arrivalTime: 0)
        try scheduler.add(warm)
        while let batch = scheduler.schedule(now: 0) {
            _ = try executor.execute(batch.plan)
            scheduler.complete(batch, now: 0)
            for entry in batch.entries where entry.samples { scheduler.finish(entry.sequence, now: 0) }
        }
        let cold = SequenceState(id: RequestID(2), prompt: tokens(600, seed: 3), arrivalTime: 1)
        let hit = SequenceState(id: RequestID(3), prompt: shared + tokens(88, seed: 4), arrivalTime: 1.001)
        try scheduler.add(cold)
        try scheduler.add(hit)
        let next = try #require(scheduler.schedule(now: 1.001))
        #expect(next.entries.first?.sequence.id == RequestID(3))
    }

    @Test(arguments: [AdmissionOrder.fcfs, .shortestPrefillFirst(slack: 10), .shortestPrefillFirst(slack: 0.5)])
    func outputsDoNotDependOnTheOrder(order: AdmissionOrder) throws {
        // Same requests, same greedy fake model: every sequence generates the same tokens.
        func run(_ order: AdmissionOrder) throws -> [RequestID: [TokenID]] {
            let scheduler = makeScheduler(order, budget: .fixed(48))
            let executor = FakeExecutor(blockCount: 200)
            let shared = tokens(64, seed: 5)
            var all: [SequenceState] = []
            for i in 0 ..< 8 {
                let prompt = (i % 2 == 0 ? shared : []) + tokens(10 + 41 * i % 170, seed: UInt64(i))
                let s = SequenceState(id: RequestID(UInt64(i + 1)), prompt: prompt, arrivalTime: Double(i) * 0.001)
                try scheduler.add(s)
                all.append(s)
            }
            try driveGreedy(scheduler, executor: executor, maxTokens: 6, secondsPerPass: 0.001)
            #expect(scheduler.kv.usedBlockCount == 0)
            return Dictionary(uniqueKeysWithValues: all.map { ($0.id, Array($0.generatedTokens)) })
        }
        #expect(try run(order) == run(.fcfs))
    }

    @Test func parsesAndPrints() {
        #expect(AdmissionOrder(parsing: "fcfs") == .fcfs)
        #expect(AdmissionOrder(parsing: "spf") == .shortestPrefillFirst(slack: AdmissionOrder.defaultSlack))
        #expect(AdmissionOrder(parsing: "spf:2.5") == .shortestPrefillFirst(slack: 2.5))
        for bad in ["lpm", "spf:0", "spf:-1", "spf:x", "fcfs:1", ""] { #expect(AdmissionOrder(parsing: bad) == nil) }
        for order in [AdmissionOrder.fcfs, .shortestPrefillFirst(slack: 10), .shortestPrefillFirst(slack: 3)] {
            #expect(AdmissionOrder(parsing: order.description) == order)
        }
        #expect(AdmissionOrder.default(for: .asym) != .fcfs && AdmissionOrder.default(for: .lruPrefix) == .fcfs)
    }
}

/// The user-facing guarantee of the cost-aware order, for random mixes of prompt lengths and arrivals.
@Suite("Admission order properties")
struct AdmissionOrderPropertyTests {
    @Test func aRequestIsOvertakenOnlyByLaterArrivalsWithinItsSlack() async {
        let slack = 10.0
        await propertyCheck(count: 40, input: Gen.int(in: 0...1_000_000_000).array(of: 2...10)) { draws in
            let kv = KVCacheManager(blockCount: 400, blockSize: 16, policy: .asym, costModel: testCostModel)
            let scheduler = Scheduler(kv: kv, costModel: testCostModel,
                                      config: SchedulerConfig(budget: .fixed(16), admissionOrder: .shortestPrefillFirst(slack: slack)))
            var requests: [RequestID: (arrival: Double, prefillSeconds: Double)] = [:]
            for (i, x) in draws.enumerated() {
                let length = 1 + x % 600
                let arrival = Double((x / 600) % 1000) / 1000
                let id = RequestID(UInt64(i + 1))
                try? scheduler.add(SequenceState(id: id, prompt: tokens(length, seed: UInt64(x)), arrivalTime: arrival))
                requests[id] = (arrival, testCostModel.rebuildTime([0 ..< length]) / 1000)
            }
            // Admission order: the order in which sequences first appear in a pass.
            var admitted: [RequestID] = []
            let executor = FakeExecutor(blockCount: 400)
            try? driveGreedy(scheduler, executor: executor, maxTokens: 1, secondsPerPass: 0.001) { batch in
                for entry in batch.entries where !admitted.contains(entry.sequence.id) { admitted.append(entry.sequence.id) }
            }
            #expect(Set(admitted) == Set(requests.keys), "every request runs")
            for (i, early) in admitted.enumerated() {
                for late in admitted[(i + 1)...] {
                    // `early` overtook `late` only if it arrived less than slack × late's prefill after it.
                    let (a, b) = (requests[late]!, requests[early]!)
                    #expect(b.arrival < a.arrival + slack * a.prefillSeconds + 1e-12,
                            "\(early) (arrived \(b.arrival)) overtook \(late) (arrived \(a.arrival), prefill \(a.prefillSeconds) s)")
                }
            }
        }
    }
}
