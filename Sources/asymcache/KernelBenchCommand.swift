import ArgumentParser
import CPUKernels
import Foundation

/// `asymcache kernel-bench`: times the CPU kernels on synthetic data and prints GFLOP/s.
/// Build with `-c release`; debug numbers mean nothing.
struct KernelBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel-bench",
        abstract: "Measure CPU matmul GFLOP/s and paged-attention throughput (use -c release).")

    @Option(help: "Minimum seconds spent timing each case.")
    var seconds: Double = 0.5

    @Option(help: "Context length for the attention cases.")
    var context: Int = 8192

    @Flag(help: "Skip the matmul cases.")
    var skipMatmul = false

    @Flag(help: "Skip the attention cases.")
    var skipAttention = false

    @Flag(help: "Skip the streaming (decode-like) matmul cases.")
    var skipStream = false

    func run() throws {
        if !skipMatmul { benchMatmul() }
        if !skipStream { benchStream() }
        if !skipAttention { benchAttention() }
    }

    /// Decode-like matmuls: 1 to 4 rows against a different weight each call, 256 MB of weights in
    /// all (far beyond the caches), so the rate shown is the kernel's streaming read bandwidth.
    private func benchStream() {
        print("streaming matmul: M rows against 256 MB of distinct weights, one matrix per call")
        for type in [WeightType.f16, .f32] {
            for (n, k) in [(2048, 768), (768, 2048), (32000, 768)] {
                let matrixBytes = n * k * type.byteCount
                let count = max(1, (256 << 20) / matrixBytes)
                let bytes = UnsafeMutableRawPointer.allocate(byteCount: count * matrixBytes, alignment: 64)
                defer { bytes.deallocate() }
                bytes.initializeMemory(as: UInt8.self, repeating: 0x11, count: count * matrixBytes)
                let weights = (0 ..< count).map { WeightMatrix(base: bytes + $0 * matrixBytes, type: type, rows: n, columns: k) }
                for m in [1, 4] {
                    let input = (0 ..< m * k).map { Float($0 % 17) * 0.01 }
                    var out = [Float](repeating: 0, count: m * n)
                    let time = measure {
                        for weight in weights { Kernels.matmul(out: &out, input: input, weight: weight, bias: nil, rowCount: m) }
                    }
                    let total = Double(count * matrixBytes)
                    print("  \(type) M=\(m) N=\(n) K=\(k) x\(count): \(format(time.wall / Double(count) * 1e6)) us/call, "
                          + "\(format(total / time.wall / 1e9)) GB/s (\(format(total / time.cpu / 1e9)) GB/s per cpu-second)")
                }
            }
        }
    }

    private func benchMatmul() {
        print("matmul: out(M, N) = in(M, K) · W(N, K)ᵀ, \(ProcessInfo.processInfo.activeProcessorCount) cores, kernels \(VectorUnit.active.rawValue)")
        for type in [WeightType.f32, .bf16, .f16] {
            for (n, k) in [(768, 768), (2048, 768)] {
                for m in [1, 16, 256, 512] {
                    let time = benchMatmul(m: m, n: n, k: k, type: type)
                    let flop = 2 * Double(m * n * k)
                    let wall = "\(format(time.wall * 1e3)) ms, \(format(flop / time.wall / 1e9)) GFLOP/s"
                    let cpu = "\(format(time.cpu * 1e3)) cpu-ms, \(format(flop / time.cpu / 1e9)) GFLOP/s per core"
                    print("  \(type) M=\(m) N=\(n) K=\(k): \(wall) (\(cpu))")
                }
            }
        }
    }

    /// Mean wall seconds and process CPU seconds per call (CPU time shows contention: with other
    /// load on the machine, wall time grows while CPU time stays near the work's true cost).
    private func measure(_ body: () -> Void) -> (wall: Double, cpu: Double) {
        body()  // warm-up
        var calls = 0
        let cpuStart = processCPUSeconds()
        let start = ContinuousClock.now
        var elapsed = Duration.zero
        repeat {
            body()
            calls += 1
            elapsed = ContinuousClock.now - start
        } while elapsed < .milliseconds(Int(seconds * 1000))
        let components = elapsed.components
        let wall = Double(components.seconds) + Double(components.attoseconds) * 1e-18
        return (wall / Double(calls), (processCPUSeconds() - cpuStart) / Double(calls))
    }

    private func processCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    private func benchMatmul(m: Int, n: Int, k: Int, type: WeightType) -> (wall: Double, cpu: Double) {
        let input = (0 ..< m * k).map { Float($0 % 17) * 0.01 }
        var out = [Float](repeating: 0, count: m * n)
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: n * k * type.byteCount, alignment: 64)
        defer { bytes.deallocate() }
        for i in 0 ..< n * k {
            let value = Float(i % 13) * 0.001
            switch type {
            case .f32: bytes.storeBytes(of: value, toByteOffset: i * 4, as: Float.self)
            case .bf16: bytes.storeBytes(of: UInt16(value.bitPattern >> 16), toByteOffset: i * 2, as: UInt16.self)
            case .f16: bytes.storeBytes(of: Float16(value).bitPattern, toByteOffset: i * 2, as: UInt16.self)
            }
        }
        let weight = WeightMatrix(base: bytes, type: type, rows: n, columns: k)
        return measure {
            Kernels.matmul(out: &out, input: input, weight: weight, bias: nil, rowCount: m)
        }
    }

    /// Decode, a contiguous chunk, and the same number of queries as 16 holes spread over the context.
    private func benchAttention() {
        let headCount = 12, kvHeadCount = 4, headDim = 64, blockSize = 16
        let context = context
        print("pagedAttention: \(headCount) heads, \(kvHeadCount) KV heads, headDim \(headDim), block \(blockSize)")
        let blockCount = context / blockSize
        let blockTable = (0 ..< Int32(blockCount)).map { ($0 * 7919) % Int32(blockCount) }  // scattered blocks
        let cacheCount = context * kvHeadCount * headDim
        let keys = (0 ..< cacheCount).map { Float($0 % 29) * 0.01 - 0.14 }
        let values = (0 ..< cacheCount).map { Float($0 % 31) * 0.01 - 0.15 }
        let holeStride = context / 16
        let holes = (0 ..< 16).flatMap { hole in (0 ..< 16).map { Int32(hole * holeStride + holeStride / 2 + $0) } }
        let holeMean = holes.reduce(0) { $0 + Int($1) } / holes.count
        let cases: [(String, [Int32])] = [
            ("decode at \(context - 1)", [Int32(context - 1)]),
            ("chunk of 256 ending at \(holeMean + 128)", (0 ..< 256).map { Int32(holeMean - 128 + $0) }),
            ("16 holes × 16 spread over \(context)", holes),
        ]
        for (name, positions) in cases {
            let queries = (0 ..< positions.count * headCount * headDim).map { Float($0 % 23) * 0.02 - 0.2 }
            var out = [Float](repeating: 0, count: queries.count)
            let time = measure {
                Kernels.pagedAttention(
                    out: &out, queries: queries, positions: positions, queryCount: positions.count,
                    keyCache: keys, valueCache: values, blockTable: blockTable, blockSize: blockSize,
                    headCount: headCount, kvHeadCount: kvHeadCount, headDim: headDim, scale: 0.125,
                    slidingWindow: nil)
            }
            let attended = positions.reduce(0) { $0 + Int($1) + 1 }
            let keyHeads = Double(attended * headCount)
            let wall = "\(format(time.wall * 1e3)) ms, \(format(keyHeads / time.wall / 1e6)) M key·heads/s"
            let cpu = "\(format(time.cpu * 1e3)) cpu-ms, \(format(keyHeads / time.cpu / 1e6)) M key·heads/s per core"
            print("  \(name), \(attended) keys: \(wall) (\(cpu))")
        }
    }

    private func format(_ x: Double) -> String { String(format: "%.3g", x) }
}
