import CKernels
import Dispatch

/// Measured ceilings of this machine, for benchmarks to print next to achieved rates.
public struct MachineCeilings: Sendable {
    /// Register-only 16-lane FMA throughput over all cores (GFLOP/s); 0 without AVX-512.
    public var fmaGFLOPS: Double
    /// Streaming read bandwidth over all cores from a buffer far larger than the caches (GB/s).
    public var readGBps: Double

    /// Runs both probes (about a second).
    public static func measure() -> MachineCeilings {
        let cores = Parallel.coreCount
        var fma = 0.0
        if VectorUnit.active == .avx512 {
            // Best of 3: the first run also pays thread start-up and clock ramp-up.
            let iterations = 4_000_000
            var seconds = Double.infinity
            for _ in 0 ..< 3 {
                seconds = min(seconds, timed { Parallel.forEach(chunkCount: cores) { _ in _ = ck_probe_fma(iterations) } })
            }
            fma = Double(cores * iterations * 24 * 32) / seconds / 1e9
        }
        let perCore = 64 << 20  // floats (256 MiB) per core
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: perCore * cores)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 1, count: perCore * cores)
        let transfer = UnsafeTransfer(buffer)
        var best = Double.infinity
        for _ in 0 ..< 3 {
            best = min(best, timed {
                Parallel.forEach(chunkCount: cores) { core in _ = ck_probe_read(transfer.value + core * perCore, perCore) }
            })
        }
        return MachineCeilings(fmaGFLOPS: fma, readGBps: Double(perCore * cores * 4) / best / 1e9)
    }

    private static func timed(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
