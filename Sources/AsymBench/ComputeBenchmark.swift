import AsymCore
import AsymModel
import CPUKernels
import Foundation

/// Whole-model compute throughput against the llama.cpp comparison table: prefill from empty,
/// decode at short and long context, a batched decode of many sequences, and attention through
/// spread holes against a contiguous chunk. Each row carries the achieved GFLOP/s (compute-bound
/// tests) or GB/s of weights and KV read (decode), for comparison with `MachineCeilings`.
public struct ComputeBenchmark {
    public struct Row: Sendable {
        public var test: String
        /// tokens/s, ms/token, s or a ratio, as `unit` says.
        public var value: Double
        public var unit: String
        /// Achieved rate, e.g. "143 GFLOP/s" or "31.2 GB/s".
        public var rate: String
        public var seconds: Double
        /// Process CPU seconds over wall seconds of the median run: near the core count when the
        /// test had the cores to itself, lower when other processes took them.
        public var cpuShare: Double = 0
    }

    public let model: LlamaModel
    public let repetitions: Int
    /// Element type of every test's KV arena.
    public let kvElementType: KVElementType
    private let blockSize = 16

    public init(model: LlamaModel, repetitions: Int = 3, kvElementType: KVElementType = .f32) {
        self.model = model
        self.repetitions = repetitions
        self.kvElementType = kvElementType
    }

    // MARK: Work counts

    /// Matmul flops of one token through every layer (no lm_head).
    private var layerFlopsPerToken: Double {
        let c = model.config
        let perLayer = c.hiddenSize * (c.queryWidth + 2 * c.kvWidth) + c.queryWidth * c.hiddenSize
            + 3 * c.hiddenSize * c.intermediateSize
        return 2 * Double(perLayer * c.layerCount)
    }

    private var lmHeadFlops: Double { 2 * Double(model.config.hiddenSize * model.config.vocabularySize) }

    /// Attention flops (QKᵀ and PV) of queries at `positions` attending causally from 0.
    private func attentionFlops(_ positions: some Sequence<Int>) -> Double {
        let c = model.config
        let pairs = positions.reduce(0) { $0 + $1 + 1 }
        return 4 * Double(pairs * c.headCount * c.headDim * c.layerCount)
    }

    /// Bytes of every weight matrix read by one decode step (the embedding row aside).
    private var weightBytes: Double {
        let w = model.weights
        let matrices = w.layers.flatMap { [$0.query, $0.key, $0.value, $0.output, $0.gate, $0.up, $0.down] } + [w.lmHead]
        return Double(matrices.reduce(0) { $0 + $1.rows * $1.columns * $1.type.byteCount })
    }

    /// KV bytes read by one query at `position` from a cache of `type`.
    private func kvBytes(position: Int, type: KVElementType? = nil) -> Double {
        let c = model.config
        return Double(2 * (position + 1) * c.kvWidth * c.layerCount * (type ?? kvElementType).byteCount)
    }

    // MARK: Tests

    /// Runs every test. `context` is the long decode context; `batch` sequences decode at `batchContext`.
    public func run(prefillLengths: [Int], context: Int, batch: Int, batchContext: Int,
                    progress: (String) -> Void = { _ in }) throws -> [Row] {
        var rows = try singleSequence(prefillLengths: prefillLengths, context: context, progress: progress)
        if batch > 0 {
            progress("batched decode of \(batch) at \(batchContext)")
            rows.append(try batchedDecode(sequences: batch, context: batchContext))
        }
        return rows
    }

    /// Prefill, decode and holes tests on one sequence.
    private func singleSequence(prefillLengths: [Int], context: Int, progress: (String) -> Void) throws -> [Row] {
        var rows: [Row] = []
        let longest = max(prefillLengths.max() ?? 0, context + 32)
        let blocksPerSequence = (longest + blockSize - 1) / blockSize
        let runner = ModelRunner(model: model, source: "bench", blockCount: blocksPerSequence, blockSize: blockSize,
                                 kvElementType: kvElementType)
        let tokens = syntheticTokens(count: blocksPerSequence * blockSize)
        let table = (0 ..< blocksPerSequence).map { BlockID($0) }
        func segment(_ start: Int, _ count: Int) -> QuerySegment {
            QuerySegment(startPosition: start, tokens: Array(tokens[start ..< start + count]))
        }
        func pass(_ segments: [QuerySegment], table: [BlockID] = table) -> SequencePass {
            SequencePass(blockTable: table, segments: segments, logitPositions: [segments.last!.endPosition - 1])
        }
        for n in prefillLengths {
            progress("prefill \(n)")
            let seconds = try median { _ = try runner.execute(BatchPlan(sequences: [pass([segment(0, n)])])) }
            let flops = Double(n) * layerFlopsPerToken + attentionFlops(0 ..< n) + lmHeadFlops
            rows.append(Row(test: "prefill \(n) tokens from empty", value: Double(n) / seconds, unit: "tokens/s",
                            rate: gflops(flops, seconds), seconds: seconds, cpuShare: lastCPUShare.value))
        }
        var decodes = [("short context (16)", 16, runner), ("context \(context)", context, runner)]
        if kvElementType != .f32 {  // the long decode again over an f32 cache, for comparison
            decodes.append(("context \(context) (F32 KV)", context,
                            ModelRunner(model: model, source: "bench", blockCount: blocksPerSequence,
                                        blockSize: blockSize, kvElementType: .f32)))
        }
        for (label, start, decodeRunner) in decodes {
            progress("decode at \(label)")
            _ = try decodeRunner.execute(BatchPlan(sequences: [pass([segment(0, start)])]))
            let steps = 16
            let seconds = try median {
                for i in 0 ..< steps {
                    _ = try decodeRunner.execute(BatchPlan(sequences: [pass([segment(start + i, 1)])]))
                }
            } / Double(steps)
            let bytes = weightBytes + kvBytes(position: start + steps / 2, type: decodeRunner.arena.elementType)
            rows.append(Row(test: "decode at \(label)", value: seconds * 1000, unit: "ms/token",
                            rate: String(format: "%.1f tokens/s, %.1f GB/s", 1 / seconds, bytes / seconds / 1e9),
                            seconds: seconds, cpuShare: lastCPUShare.value))
        }
        guard context >= 512 else { return rows }  // the holes test needs room for 16 holes and 256 tokens
        progress("holes vs contiguous")
        rows += try holes(runner: runner, segment: segment, pass: { pass($0) }, context: context)
        return rows
    }

    /// `sequences` sequences, each with its own KV copy of a `context`-token prefix, decode one
    /// token each per pass.
    private func batchedDecode(sequences: Int, context: Int) throws -> Row {
        let steps = 4
        let blocksPerSequence = (context + steps + blockSize - 1) / blockSize
        let runner = ModelRunner(model: model, source: "bench", blockCount: blocksPerSequence * sequences,
                                 blockSize: blockSize, kvElementType: kvElementType)
        let tokens = syntheticTokens(count: blocksPerSequence * blockSize)
        let tables = (0 ..< sequences).map { s in (0 ..< blocksPerSequence).map { BlockID(s * blocksPerSequence + $0) } }
        let prefix = QuerySegment(startPosition: 0, tokens: Array(tokens[0 ..< context]))
        _ = try runner.execute(BatchPlan(sequences: [SequencePass(blockTable: tables[0], segments: [prefix],
                                                                  logitPositions: [context - 1])]))
        let arena = runner.arena
        let sequenceBytes = blocksPerSequence * blockSize * arena.slotWidth * arena.elementType.byteCount
        for layer in 0 ..< arena.layerCount {
            for base in [arena.keyBytes(layer: layer), arena.valueBytes(layer: layer)] {
                for s in 1 ..< sequences { (base + s * sequenceBytes).copyMemory(from: base, byteCount: sequenceBytes) }
            }
        }
        let seconds = try median {
            for i in 0 ..< steps {
                let plan = BatchPlan(sequences: tables.map { table in
                    let step = QuerySegment(startPosition: context + i, tokens: [tokens[context + i]])
                    return SequencePass(blockTable: table, segments: [step], logitPositions: [context + i])
                })
                _ = try runner.execute(plan)
            }
        } / Double(steps)
        let tokenCount = Double(sequences)
        let flops = tokenCount * (layerFlopsPerToken + lmHeadFlops) + Double(sequences) * attentionFlops([context + 1])
        let bytes = weightBytes + Double(sequences) * kvBytes(position: context + 1)
        return Row(test: "batched decode: \(sequences) sequences at context \(context)", value: tokenCount / seconds,
                   unit: "tokens/s",
                   rate: String(format: "%.1f ms/pass, %@, %.1f GB/s", seconds * 1000, gflops(flops, seconds),
                                bytes / seconds / 1e9),
                   seconds: seconds, cpuShare: lastCPUShare.value)
    }

    /// A pass over 16 holes of 16 tokens spread across `context`, against one contiguous chunk of
    /// 256 tokens at the holes' mean position (the same attended work), whole pass and attention alone.
    private func holes(runner: ModelRunner, segment: (Int, Int) -> QuerySegment,
                       pass: ([QuerySegment]) -> SequencePass, context: Int) throws -> [Row] {
        _ = try runner.execute(BatchPlan(sequences: [pass([segment(0, context)])]))
        let holes = (0 ..< 16).map { i in segment((i * (context - 16) / 15) / blockSize * blockSize, 16) }
        let holePositions = holes.flatMap { Array($0.positions) }
        let mean = Double(holePositions.reduce(0, +)) / Double(holePositions.count)
        let contiguous = segment(Int((mean - 127.5).rounded()), 256)
        let holeSeconds = try median { _ = try runner.execute(BatchPlan(sequences: [pass(holes)])) }
        let chunkSeconds = try median { _ = try runner.execute(BatchPlan(sequences: [pass([contiguous])])) }
        let holeAttention = try attentionSeconds(runner: runner, positions: holePositions)
        let holeCPU = holeAttention * lastCPUShare.value
        let chunkAttention = try attentionSeconds(runner: runner, positions: Array(contiguous.positions))
        let chunkCPU = chunkAttention * lastCPUShare.value
        let flops = attentionFlops(holePositions) / Double(model.config.layerCount)
        return [
            Row(test: "pass: 16 holes x 16 tokens over \(context) / 256 contiguous", value: holeSeconds / chunkSeconds,
                unit: "ratio", rate: String(format: "%.1f ms vs %.1f ms", holeSeconds * 1000, chunkSeconds * 1000),
                seconds: holeSeconds),
            Row(test: "attention only (1 layer): holes / contiguous", value: holeAttention / chunkAttention,
                unit: "ratio",
                rate: String(format: "%.2f ms vs %.2f ms, %@; CPU time ratio %.3f", holeAttention * 1000,
                             chunkAttention * 1000, gflops(flops, holeAttention), holeCPU / chunkCPU),
                seconds: holeAttention),
        ]
    }

    /// Median seconds of `Kernels.pagedAttention` over layer 0's KV for queries at `positions`.
    private func attentionSeconds(runner: ModelRunner, positions: [Int]) throws -> Double {
        let c = model.config
        let table = (0 ..< Int32(runner.blockCount)).map { $0 }
        let queryPositions = positions.map(Int32.init)
        let n = positions.count
        let queries = (0 ..< n * c.queryWidth).map { Float(($0 * 7919) % 1000) / 1000 - 0.5 }
        var out = [Float](repeating: 0, count: n * c.queryWidth)
        return try queries.withUnsafeBufferPointer { queries in
            try queryPositions.withUnsafeBufferPointer { queryPositions in
                try table.withUnsafeBufferPointer { table in
                    try out.withUnsafeMutableBufferPointer { out in
                        let sequence = AttentionSequence(
                            out: out.baseAddress!, queries: queries.baseAddress!, positions: queryPositions.baseAddress!,
                            queryCount: n, blockTable: table.baseAddress!)
                        return try median(repetitions: max(repetitions, 9)) {
                            Kernels.pagedAttention(
                                sequences: [sequence], keyCache: runner.arena.keyBytes(layer: 0),
                                valueCache: runner.arena.valueBytes(layer: 0), elementType: runner.arena.elementType,
                                blockSize: runner.blockSize, headCount: c.headCount, kvHeadCount: c.kvHeadCount,
                                headDim: c.headDim, scale: 1 / Float(c.headDim).squareRoot(), slidingWindow: nil)
                        }
                    }
                }
            }
        }
    }

    // MARK: Helpers

    private func gflops(_ flops: Double, _ seconds: Double) -> String {
        String(format: "%.1f GFLOP/s", flops / seconds / 1e9)
    }

    private func median(repetitions: Int? = nil, _ body: () throws -> Void) throws -> Double {
        var samples: [(wall: Double, cpu: Double)] = []
        for _ in 0 ..< (repetitions ?? self.repetitions) {
            let cpuStart = processCPUSeconds()
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            samples.append((wall, processCPUSeconds() - cpuStart))
        }
        let middle = samples.sorted { $0.wall < $1.wall }[samples.count / 2]
        lastCPUShare.value = middle.cpu / middle.wall
        return middle.wall
    }

    /// CPU share of the latest `median` call, read into each row.
    private let lastCPUShare = Box(0.0)

    private final class Box<Value> {
        var value: Value
        init(_ value: Value) { self.value = value }
    }

    private func processCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    private func syntheticTokens(count: Int) -> [TokenID] {
        let vocab = UInt64(model.config.vocabularySize)
        var state: UInt64 = 2024
        return (0 ..< count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return TokenID(truncatingIfNeeded: (state >> 33) % vocab)
        }
    }
}
