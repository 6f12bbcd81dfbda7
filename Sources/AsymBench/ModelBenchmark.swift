import AsymCore
import AsymModel
import CPUKernels
import Foundation

/// Forward-pass throughput on one model: prefill and decode tokens/s, and the cost of attending
/// through spread holes against a contiguous chunk doing the same attended work.
public struct ModelBenchmark {
    public struct Row: Sendable {
        public var test: String
        public var value: Double
        public var unit: String
        public var note: String
    }

    public let model: LlamaModel
    public let repetitions: Int

    public init(model: LlamaModel, repetitions: Int = 3) {
        self.model = model
        self.repetitions = repetitions
    }

    /// Runs every test; `context` is the long context for decode and hole tests.
    public func run(prefillLengths: [Int], context: Int, progress: (String) -> Void = { _ in }) throws -> [Row] {
        var rows: [Row] = []
        let blockSize = 16
        let capacity = max(prefillLengths.max() ?? 0, context) + 512
        let runner = ModelRunner(model: model, source: "bench", blockCount: capacity / blockSize + 1, blockSize: blockSize)
        let table = (0 ..< runner.blockCount).map { BlockID($0) }
        let tokens = syntheticTokens(count: capacity)
        func pass(_ segments: [QuerySegment]) -> BatchPlan {
            BatchPlan(sequences: [SequencePass(blockTable: table, segments: segments,
                                               logitPositions: [segments.last!.endPosition - 1])])
        }
        func segment(_ start: Int, _ count: Int) -> QuerySegment {
            QuerySegment(startPosition: start, tokens: Array(tokens[start ..< start + count]))
        }
        for n in prefillLengths {
            progress("prefill \(n)")
            let seconds = try median { _ = try runner.execute(pass([segment(0, n)])) }
            rows.append(Row(test: "prefill \(n) tokens", value: Double(n) / seconds, unit: "tokens/s",
                            note: String(format: "%.1f ms", seconds * 1000)))
        }
        for (label, start) in [("short context (16)", 16), ("context \(context)", context)] {
            progress("decode at \(label)")
            _ = try runner.execute(pass([segment(0, start)]))
            let steps = 16
            let seconds = try median {
                for i in 0 ..< steps { _ = try runner.execute(pass([segment(start + i, 1)])) }
            } / Double(steps)
            rows.append(Row(test: "decode at \(label)", value: seconds * 1000, unit: "ms/token",
                            note: String(format: "%.1f tokens/s", 1 / seconds)))
        }
        progress("holes vs contiguous")
        _ = try runner.execute(pass([segment(0, context)]))
        let holes = (0 ..< 16).map { i in segment((i * (context - 16) / 15) / blockSize * blockSize, 16) }
        // Same attended work: a contiguous chunk whose positions have the holes' mean position, so
        // both layouts attend the same number of query-key pairs (within one chunk length).
        let holePositions = holes.flatMap { Array($0.positions) }
        let meanPosition = Double(holePositions.reduce(0, +)) / Double(holePositions.count)
        let contiguous = segment(Int((meanPosition - 127.5).rounded()), 256)
        let pairs = { (s: [QuerySegment]) in s.flatMap { $0.positions }.reduce(0) { $0 + $1 + 1 } }
        let holeSeconds = try median { _ = try runner.execute(pass(holes)) }
        let chunkSeconds = try median { _ = try runner.execute(pass([contiguous])) }
        rows.append(Row(test: "pass: 16 holes x 16 tokens over \(context)", value: holeSeconds * 1000, unit: "ms",
                        note: "\(pairs(holes)) query-key pairs"))
        rows.append(Row(test: "pass: 256 contiguous at \(contiguous.startPosition)..<\(contiguous.endPosition)",
                        value: chunkSeconds * 1000, unit: "ms",
                        note: String(format: "%d query-key pairs; holes/contiguous = %.3f", pairs([contiguous]), holeSeconds / chunkSeconds)))
        let attention = attentionOnly(runner: runner, table: table, holes: holes, contiguous: contiguous)
        rows.append(Row(test: "attention only: holes / contiguous", value: attention.holes / attention.contiguous,
                        unit: "ratio", note: String(format: "%.2f ms vs %.2f ms per layer", attention.holes * 1000,
                                                    attention.contiguous * 1000)))
        return rows
    }

    /// Times the attention kernel alone over layer 0's KV for both query layouts.
    private func attentionOnly(runner: ModelRunner, table: [BlockID], holes: [QuerySegment], contiguous: QuerySegment)
        -> (holes: Double, contiguous: Double)
    {
        let c = model.config
        let bt = table.map(\.rawValue)
        func time(_ segments: [QuerySegment]) -> Double {
            let positions = segments.flatMap { $0.positions.map(Int32.init) }
            let n = positions.count
            var queries = [Float](repeating: 0, count: n * c.queryWidth)
            for i in queries.indices { queries[i] = Float((i * 7919) % 1000) / 1000 - 0.5 }
            var out = [Float](repeating: 0, count: n * c.queryWidth)
            return (try? median {
                Kernels.pagedAttention(
                    out: &out, queries: queries, positions: positions, queryCount: n,
                    keyCache: runner.arena.keys(layer: 0), valueCache: runner.arena.values(layer: 0), blockTable: bt,
                    blockSize: runner.blockSize, headCount: c.headCount, kvHeadCount: c.kvHeadCount, headDim: c.headDim,
                    scale: 1 / Float(c.headDim).squareRoot(), slidingWindow: nil)
            }) ?? .nan
        }
        return (time(holes), time([contiguous]))
    }

    private func median(_ body: () throws -> Void) throws -> Double {
        var samples: [Double] = []
        for _ in 0 ..< repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return samples.sorted()[samples.count / 2]
    }

    private func syntheticTokens(count: Int) -> [TokenID] {
        let vocab = UInt64(model.config.vocabularySize)
        var state: UInt64 = 12345
        return (0 ..< count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return TokenID(truncatingIfNeeded: (state >> 33) % vocab)
        }
    }
}
