import AsymCore
import AsymTraces
import Testing

@testable import AsymBench

@Suite("Workload generators")
struct WorkloadTests {
    let vocabulary: Range<TokenID> = 16 ..< 4096

    @Test func splitMixIsDeterministicPerSeed() {
        var a = SplitMix64(seed: 7), b = SplitMix64(seed: 7), c = SplitMix64(seed: 8)
        let xs = (0 ..< 8).map { _ in a.next() }
        #expect(xs == (0 ..< 8).map { _ in b.next() })
        #expect(xs != (0 ..< 8).map { _ in c.next() })
    }

    @Test func lengthDistributionStaysInBoundsNearItsMean() {
        var rng = SplitMix64(seed: 3)
        let d = LengthDistribution(mean: 100, sigma: 0.8, bounds: 10 ... 1000)
        let xs = (0 ..< 20_000).map { _ in d.sample(&rng) }
        #expect(xs.allSatisfy { d.bounds.contains($0) })
        let mean = Double(xs.reduce(0, +)) / Double(xs.count)
        #expect(abs(mean - 100) < 5, "mean \(mean)")
    }

    @Test func chatIsDeterministicSharesTheSystemPromptAndFitsTheContext() {
        var g = ChatWorkload()
        g.seed = 5
        let a = g.make(contextLimit: 2048, vocabulary: vocabulary), b = g.make(contextLimit: 2048, vocabulary: vocabulary)
        #expect(a.jobs == b.jobs)
        g.seed = 6
        #expect(g.make(contextLimit: 2048, vocabulary: vocabulary).jobs != a.jobs)
        let systemLength = 256  // 1,024 × 0.25
        let firsts = a.jobs.map { Array($0.calls[0].newTokens.prefix(systemLength)) }
        #expect(Set(firsts).count == 1)
        #expect(a.jobs.count == g.users)
        #expect(a.jobs.allSatisfy { $0.finalContextLength < 2048 && !$0.calls.isEmpty })
        #expect(a.jobs.allSatisfy { $0.calls.count <= g.turns.upperBound })
        #expect(a.jobs.flatMap(\.calls).allSatisfy { $0.newTokens.allSatisfy(vocabulary.contains) })
        #expect(a.arrivals == .closedLoop(users: g.users))
        #expect(a.pinTTL == nil)
    }

    @Test func agentJobsLoopAndCarryAPinTTL() {
        let g = AgentWorkload()
        let w = g.make(contextLimit: 2048, vocabulary: vocabulary)
        #expect(w.jobs.count == g.agents)
        #expect(w.jobs.allSatisfy { $0.calls.count >= 2 && $0.finalContextLength < 2048 })
        #expect(w.jobs.flatMap { $0.calls.dropFirst() }.allSatisfy { $0.delay > 0 })
        #expect(w.pinTTL == g.pinTTL)
        #expect(abs(g.pinTTL - 3.602) < 0.01)  // p90 of log-normal(median 1, σ 1) = e^1.2816
    }

    @Test func poissonArrivalsAreScheduledAndIncreasing() {
        var g = ChatWorkload()
        g.poissonRate = 2
        let w = g.make(contextLimit: 2048, vocabulary: vocabulary)
        #expect(w.arrivals == .scheduled)
        let starts = w.jobs.map(\.startTime)
        #expect(starts == starts.sorted() && starts[0] > 0)
    }

    @Test func documentQuestionsStartWithTheirDocument() {
        let w = DocumentWorkload().make(contextLimit: 2048, vocabulary: vocabulary)
        let prefixes = Set(w.jobs.map { Array($0.calls[0].newTokens.prefix(64)) })
        #expect(prefixes.count <= DocumentWorkload().documents && prefixes.count > 1)
        #expect(w.jobs.allSatisfy { $0.finalContextLength < 2048 })
    }

    @Test func workingSetCountsSharedLeadingBlocksOnce() {
        let shared = Array(TokenID(100) ..< 132)  // two blocks of 16
        let jobs = (0 ..< 3).map { i in
            BenchJob(id: i, startTime: 0, calls: [BenchCall(newTokens: shared + [TokenID(500 + i)], maxTokens: 10, delay: 0)])
        }
        let w = Workload(name: "t", parameters: [], jobs: jobs, arrivals: .scheduled)
        #expect(w.workingSetTokens(blockSize: 16) == 3 * 43 - 2 * 32)
        #expect(w.longestContext == 43)
    }

    @Test func traceReplayGivesEqualTokensForEqualHashIDs() {
        let trace = MooncakeTrace(requests: [
            .init(timestamp: 0, input_length: 1000, output_length: 20, hash_ids: [1, 2]),
            .init(timestamp: 500, input_length: 1024, output_length: 40, hash_ids: [1, 3]),
        ])
        var g = TraceWorkload(trace: trace, source: "test")
        g.lengthScale = 1.0 / 16
        g.timeScale = 2
        let w = g.make(contextLimit: 2048, vocabulary: vocabulary)
        let a = w.jobs[0].calls[0].newTokens, b = w.jobs[1].calls[0].newTokens
        #expect(a.count == 63 && b.count == 64)
        #expect(a.prefix(32) == b.prefix(32) && a[32...].elementsEqual(b[32 ..< 63]) == false)
        #expect(w.jobs[1].startTime == 1.0 && w.jobs[1].calls[0].maxTokens == 3)
        #expect((a + b).allSatisfy(vocabulary.contains))
    }
}
