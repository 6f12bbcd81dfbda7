import Dispatch
import Synchronization
import Testing
@testable import CPUKernels

/// The persistent pool behind `Parallel.forEach` must run every chunk of every job exactly once,
/// also when several threads submit jobs at the same time (one gets the pool, the others fall back).
@Suite("Worker pool")
struct WorkerPoolTests {
    /// Runs `jobs` jobs of varying size through `Parallel.forEach` and checks each chunk ran once.
    static func runJobs(_ jobs: Int, seed: Int) -> Bool {
        var allExact = true
        for job in 0 ..< jobs {
            let chunkCount = 1 + (job * 7 + seed) % 37
            let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: chunkCount)
            counts.initialize(repeating: 0)
            defer { counts.deallocate() }
            let box = UnsafeTransfer(counts)
            Parallel.forEach(chunkCount: chunkCount) { chunk in box.value[chunk] += 1 }
            allExact = allExact && counts.allSatisfy { $0 == 1 }
        }
        return allExact
    }

    @Test func everyChunkRunsExactlyOnce() {
        #expect(Self.runJobs(2000, seed: 0))
    }

    @Test func concurrentCallersEachGetEveryChunkOnce() {
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { caller in
            if !Self.runJobs(500, seed: caller) { failures.add(1, ordering: .relaxed) }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
    }

    @Test func busyPoolRefusesANestedJob() {
        guard WorkerPool.shared.helperCount > 0 else { return }
        let nested = Atomic<Int>(0)  // 1: refused, 2: accepted
        let ran = WorkerPool.shared.run(chunkCount: 2) { chunk in
            if chunk == 0 {
                let accepted = WorkerPool.shared.run(chunkCount: 1) { _ in }
                nested.store(accepted ? 2 : 1, ordering: .relaxed)
            }
        }
        // Another test may hold the pool; when this job ran, its nested job must have been refused.
        if ran { #expect(nested.load(ordering: .relaxed) == 1) }
    }
}
