import Dispatch
import Foundation

/// Moves a value (typically raw pointers) into a `@Sendable` closure. The caller guarantees that
/// concurrent users touch disjoint memory.
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Splits independent work items over the machine's cores. Never splits a reduction: callers
/// hand out whole output elements (columns, rows, (query, head) pairs), so results do not depend
/// on the thread count.
enum Parallel {
    /// Number of cores this process may use.
    static let coreCount = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Runs `body(chunk)` for every `chunk` in `0 ..< chunkCount`, concurrently when there is more
    /// than one chunk and core. Callers pass 1 for work too small to pay for a dispatch.
    static func forEach(chunkCount: Int, _ body: @Sendable (Int) -> Void) {
        if chunkCount <= 0 { return }
        if chunkCount == 1 || coreCount == 1 {
            for chunk in 0 ..< chunkCount { body(chunk) }
        } else if !WorkerPool.shared.run(chunkCount: chunkCount, body) {
            // Another thread's job holds the pool (e.g. concurrent tests): use the system pool.
            DispatchQueue.concurrentPerform(iterations: chunkCount, execute: body)
        }
    }

    /// The sub-range `chunk` of `0 ..< count` when it is cut into `chunkCount` near-equal parts,
    /// each a multiple of `granule` long except the last.
    static func range(chunk: Int, of chunkCount: Int, count: Int, granule: Int = 1) -> Range<Int> {
        let granules = (count + granule - 1) / granule
        let lower = granules * chunk / chunkCount * granule
        let upper = granules * (chunk + 1) / chunkCount * granule
        return min(lower, count) ..< min(upper, count)
    }
}
