import CKernels
import Dispatch
import Foundation
import Synchronization

/// Persistent helper threads for `Parallel.forEach`: one job at a time, handed over through one
/// atomic word instead of a `DispatchQueue.concurrentPerform` wake-up per call (a decode step
/// makes about a hundred parallel calls of tens of microseconds each).
///
/// The caller publishes a job by storing `claim` = (generation, chunkCount, next = 0); the caller
/// and every helper then claim chunk indices by compare-and-swap on that word, so an index is
/// run exactly once and only while its generation is current. The caller waits until `remaining`
/// reaches 0. Helpers spin for `spinNanoseconds` after their last job, then sleep on a semaphore;
/// every spin loop yields now and then, so a loaded machine's other threads still get the cores.
/// A caller that finds the pool busy (another thread's job) is told so and runs elsewhere.
final class WorkerPool: @unchecked Sendable {
    /// The pool shared by every caller: one helper per core beyond the first.
    static let shared = WorkerPool(helperCount: Parallel.coreCount - 1)

    /// Most chunks of one job (the width of the `claim` fields).
    static let maximumChunkCount = (1 << 20) - 1
    private static let spinNanoseconds: UInt64 = 500_000

    /// generation (24 bits) << 40 | chunkCount (20 bits) << 20 | next chunk (20 bits).
    private let claim = Atomic<UInt64>(0)
    /// Chunks of the current job not finished yet.
    private let remaining = Atomic<Int>(0)
    /// Set while a caller owns the pool.
    private let busy = Atomic<Bool>(false)
    /// The current job's body; set before its generation is published, valid while `remaining > 0`.
    private var job: ((Int) -> Void)?
    private var generation: UInt64 = 0
    private let helpers: [Helper]

    private final class Helper: @unchecked Sendable {
        /// 1 while the helper sleeps (or is about to) on `wake`.
        let asleep = Atomic<Int>(0)
        let wake = DispatchSemaphore(value: 0)
    }

    init(helperCount: Int) {
        helpers = (0 ..< max(0, helperCount)).map { _ in Helper() }
        for helper in helpers {
            let thread = Thread { [unowned self] in self.helperLoop(helper) }
            thread.name = "asymcache-kernels"
            thread.start()
        }
    }

    var helperCount: Int { helpers.count }

    /// Runs `body(chunk)` for every chunk in 0 ..< chunkCount on the caller and the helpers.
    /// Returns false, running nothing, when another caller holds the pool or chunkCount is too large.
    func run(chunkCount: Int, _ body: (Int) -> Void) -> Bool {
        guard chunkCount <= Self.maximumChunkCount, !helpers.isEmpty,
              busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else { return false }
        defer { busy.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { body in
            job = body
            remaining.store(chunkCount, ordering: .relaxed)
            generation = (generation + 1) & 0xFF_FFFF
            let word = generation << 40 | UInt64(chunkCount) << 20
            claim.store(word, ordering: .sequentiallyConsistent)
            for helper in helpers where helper.asleep.load(ordering: .sequentiallyConsistent) == 1 {
                if helper.asleep.exchange(0, ordering: .sequentiallyConsistent) == 1 { helper.wake.signal() }
            }
            work(from: word)
            var spins = 0
            while remaining.load(ordering: .acquiring) > 0 {
                // A helper holding a chunk may have been preempted: let it have this core.
                spins += 1
                if spins & 63 == 0 { sched_yield() } else { ck_pause() }
            }
            job = nil
        }
        return true
    }

    /// Claims and runs chunks of the job whose claim word was `word` until none is left.
    private func work(from word: UInt64) {
        var current = word
        let generation = word >> 40
        while true {
            let next = Int(current & 0xF_FFFF), count = Int((current >> 20) & 0xF_FFFF)
            if next >= count || current >> 40 != generation { return }
            let (exchanged, original) = claim.compareExchange(
                expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if exchanged {
                job!(next)
                remaining.subtract(1, ordering: .releasing)
                current += 1
            } else {
                current = original
            }
        }
    }

    private func helperLoop(_ helper: Helper) {
        var seen = claim.load(ordering: .acquiring) >> 40
        var idleSince = DispatchTime.now().uptimeNanoseconds
        var spins = 0
        while true {
            let word = claim.load(ordering: .acquiring)
            if word >> 40 != seen {
                seen = word >> 40
                work(from: word)
                idleSince = DispatchTime.now().uptimeNanoseconds
                continue
            }
            spins += 1
            if spins & 63 == 0 { sched_yield() } else { ck_pause() }  // yield: other processes may need the core
            if spins & 255 != 0 || DispatchTime.now().uptimeNanoseconds - idleSince < Self.spinNanoseconds { continue }
            // Sleep: announce it, then look once more so a job published meanwhile is not missed.
            helper.asleep.store(1, ordering: .sequentiallyConsistent)
            if claim.load(ordering: .sequentiallyConsistent) >> 40 != seen,
               helper.asleep.exchange(0, ordering: .sequentiallyConsistent) == 1 {
                continue  // nobody will signal: the caller has not seen us asleep
            }
            helper.wake.wait()
            idleSince = DispatchTime.now().uptimeNanoseconds
        }
    }
}
