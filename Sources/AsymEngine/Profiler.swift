import AsymCore
import AsymCost
import AsymModel
import CPUKernels
import Foundation

/// Measures this machine's cost surface with the engine's own kernels: whole-model pass times for
/// prefill chunks (prefix length P, chunk length C) and for decode batches (B sequences at context P).
public struct Profiler {
    public struct Grid: Sendable {
        public var prefixLengths: [Int]
        public var chunkLengths: [Int]
        public var decodeContexts: [Int]
        public var decodeBatches: [Int]
    }

    public let model: LlamaModel
    /// Timed runs per point and round (after a warm-up of `warmUpNanoseconds`).
    public let repetitions: Int
    /// Passes over the whole grid; a point's time is the median of its samples from all rounds.
    public let rounds: Int
    /// KV element type of the measured arena (the engine's).
    public let kvElementType: KVElementType

    public init(model: LlamaModel, repetitions: Int = 3, rounds: Int = 3, kvElementType: KVElementType = .f32) {
        precondition(repetitions > 0 && rounds > 0)
        self.model = model
        self.repetitions = repetitions
        self.rounds = rounds
        self.kvElementType = kvElementType
    }

    /// The default fitting grid, bounded by the model's context limit (chunks up to the baselines'
    /// 2048 tokens, where they fit in the context, so the large-pass hinge is fitted too).
    public func fitGrid() -> Grid {
        let limit = model.config.maxPositionEmbeddings
        return Grid(prefixLengths: [0, 256, 512, 1024, 1536].filter { $0 + 512 <= limit },
                    chunkLengths: [16, 64, 128, 256, 512, 1024, 2048],
                    decodeContexts: [128, 512, 1024].filter { $0 < limit }, decodeBatches: [1, 2, 8, 32])
    }

    /// Off-grid points to check the fitted model on (never used for fitting).
    public func heldOutGrid() -> Grid {
        let limit = model.config.maxPositionEmbeddings
        return Grid(prefixLengths: [384, 768, 1280].filter { $0 + 384 <= limit }, chunkLengths: [32, 96, 192, 384],
                    decodeContexts: [768].filter { $0 < limit }, decodeBatches: [4, 16])
    }

    /// Measures every point of `grid`. `progress` gets (done, total).
    public func measure(_ grid: Grid, device: String, progress: (Int, Int) -> Void = { _, _ in }) throws -> CostProfile {
        let blockSize = 16
        let maxPrefix = (grid.prefixLengths + grid.decodeContexts).max() ?? 0
        let maxChunk = grid.chunkLengths.max() ?? 1
        let maxBatch = grid.decodeBatches.max() ?? 1
        let prefixBlocks = (maxPrefix + maxChunk + blockSize - 1) / blockSize
        // One computed prefix for the prefill rows, plus private blocks for every decode sequence's
        // whole context: B sequences in real serving read B different contexts, and sharing one
        // would let attention hit the caches (measured: decode cost under-predicted by half).
        let decodeBlocks = (grid.decodeContexts.max() ?? 0) / blockSize + 1
        let runner = ModelRunner(model: model, source: "profile", blockCount: prefixBlocks + maxBatch * decodeBlocks,
                                 blockSize: blockSize, kvElementType: kvElementType)
        let tokens = (0 ..< maxPrefix + maxChunk).map { TokenID(truncatingIfNeeded: ($0 * 7919 + 13) % model.config.vocabularySize) }
        let table = (0 ..< prefixBlocks).map { BlockID($0) }
        _ = try runner.execute(plan(table, [QuerySegment(startPosition: 0, tokens: Array(tokens[0 ..< maxPrefix + 1]))]))
        let limit = model.config.maxPositionEmbeddings
        // Every point is measured in `rounds` passes over the grid and gets the median of all its
        // samples, so a slow drift of this machine's speed (other tenants, clocks) is spread over
        // the grid instead of landing on one part of it.
        // Decode contexts live in blocks scattered over the arena, as they are in serving once blocks
        // have been evicted and reused (contiguous blocks made batches of 8–32 decodes 15–28% cheaper:
        // measured).
        var scatter = SplitMix64(seed: 0x5CA7)
        let decodeBlockIDs = (prefixBlocks ..< prefixBlocks + maxBatch * decodeBlocks).map { BlockID($0) }.shuffled(using: &scatter)
        var points: [() throws -> Void] = []
        for p in grid.decodeContexts {
            for b in grid.decodeBatches {
                // Each sequence reads its own blocks (their KV values do not matter for timing).
                let sequences = (0 ..< b).map { i in
                    let own = (0 ... p / blockSize).map { decodeBlockIDs[i * decodeBlocks + $0] }
                    return SequencePass(blockTable: own, segments: [QuerySegment(startPosition: p, tokens: [tokens[p]])],
                                        logitPositions: [p])
                }
                points.append { _ = try runner.execute(BatchPlan(sequences: sequences)) }
            }
        }
        // The same batches reading one shared context (as decodes over a shared system prompt do):
        // the difference to the rows above is the memory traffic of reading distinct keys.
        let sharedBatches = grid.decodeBatches.filter { $0 > 1 }
        for p in grid.decodeContexts {
            let own = (0 ... p / blockSize).map { decodeBlockIDs[$0] }
            for b in sharedBatches {
                let sequences = (0 ..< b).map { _ in
                    SequencePass(blockTable: own, segments: [QuerySegment(startPosition: p, tokens: [tokens[p]])], logitPositions: [p])
                }
                points.append { _ = try runner.execute(BatchPlan(sequences: sequences)) }
            }
        }
        var prefillShapes: [(P: Int, C: Int)] = []
        for p in grid.prefixLengths {
            for c in grid.chunkLengths where p + c <= limit {
                let segment = QuerySegment(startPosition: p, tokens: Array(tokens[p ..< p + c]))
                prefillShapes.append((p, c))
                points.append { _ = try runner.execute(plan(table, [segment])) }
            }
        }
        var samples = [[Double]](repeating: [], count: points.count)
        for round in 0 ..< rounds {
            for (i, point) in points.enumerated() {
                samples[i] += try time(point)
                progress(round * points.count + i + 1, rounds * points.count)
            }
        }
        let ms = samples.map { $0.sorted()[$0.count / 2] }
        var decode: [CostProfile.DecodeRow] = []
        for p in grid.decodeContexts {
            for b in grid.decodeBatches { decode.append(.init(P: p, B: b, ms: ms[decode.count])) }
        }
        for p in grid.decodeContexts {
            for b in sharedBatches { decode.append(.init(P: p, B: b, ms: ms[decode.count], distinctContext: p)) }
        }
        let prefill = prefillShapes.enumerated().map { CostProfile.PrefillRow(P: $0.element.P, C: $0.element.C, ms: ms[decode.count + $0.offset]) }
        return CostProfile(device: device, model: "\(model.config.architecture) \(model.config.layerCount)x\(model.config.hiddenSize)",
                           prefill: prefill, decode: decode)
    }

    private func plan(_ table: [BlockID], _ segments: [QuerySegment]) -> BatchPlan {
        BatchPlan(sequences: [SequencePass(blockTable: table, segments: segments, logitPositions: [segments.last!.endPosition - 1])])
    }

    /// Each point runs for this long (at least 2 and at most 64 passes) before it is timed. With a
    /// single warm-up pass, decodes of 1–2 sequences measured 20–25% slower than after a 5 ms warm-up
    /// or 40 repetitions, and slower than in serving, where passes run back to back (measured).
    static let warmUpNanoseconds: UInt64 = 5_000_000

    /// Wall times of `repetitions` runs after a warm-up, in ms.
    private func time(_ body: () throws -> Void) throws -> [Double] {
        let warmUpStart = DispatchTime.now().uptimeNanoseconds
        var warmUps = 0
        while warmUps < 2 || (warmUps < 64 && DispatchTime.now().uptimeNanoseconds - warmUpStart < Self.warmUpNanoseconds) {
            try body()
            warmUps += 1
        }
        var samples: [Double] = []
        for _ in 0 ..< repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return samples
    }

    /// A short description of this machine for the profile's `device` field.
    public static func deviceDescription() -> String {
        var cpu = "CPU"
        if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }) {
            cpu = line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? cpu
        }
        return "\(cpu), \(ProcessInfo.processInfo.activeProcessorCount) threads"
    }
}
