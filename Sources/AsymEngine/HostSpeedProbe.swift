import AsymCost
import AsymModel
import Foundation

/// How fast this host runs right now against a cost profile: it re-measures a few of the
/// profile's own points (decode batches over private and shared contexts, prefill chunks deep in a
/// context) and compares. On a shared machine the speed drifts by several percent between runs,
/// and a closed-loop workload near saturation turns that into tens of percent of latency; the
/// bench's simulator validation prices each policy's passes at the speed probed around its run.
public struct HostSpeedProbe {
    public let profiler: Profiler
    /// The profile the probed points are compared with.
    public let reference: CostProfile
    /// Prices probed points the profile lacks.
    public let costModel: CostModel

    /// Points near the passes of the chat and agent workloads (about 0.1 s on the default model).
    public static let grid = Profiler.Grid(prefixLengths: [512], chunkLengths: [64, 256], decodeContexts: [512, 1024],
                                           decodeBatches: [8])

    public init(loaded: LoadedModel, reference: CostProfile, costModel: CostModel) {
        profiler = Profiler(model: loaded.model, repetitions: 5, rounds: 2, kvElementType: loaded.kvElementType)
        self.reference = reference
        self.costModel = costModel
    }

    /// This host's slowdown now: above 1 when it is slower than when the profile was measured.
    public func measure() throws -> HostSlowdown {
        var grid = Self.grid
        let limit = profiler.model.config.maxPositionEmbeddings
        grid.prefixLengths = grid.prefixLengths.filter { $0 + 256 <= limit }
        grid.decodeContexts = grid.decodeContexts.filter { $0 < limit }
        return Self.slowdown(measured: try profiler.measure(grid, device: ""), reference: reference, costModel: costModel)
    }

    /// Σ measured / Σ reference over the prefill rows of `measured`, and the same over its decode
    /// rows (1 for a kind without rows). A row's reference is the profile's own row for the same
    /// point when it has one, else the cost model's prediction.
    public static func slowdown(measured: CostProfile, reference: CostProfile, costModel: CostModel) -> HostSlowdown {
        var prefill = (probed: 0.0, expected: 0.0), decode = (probed: 0.0, expected: 0.0)
        for row in measured.prefill {
            prefill.probed += row.ms
            prefill.expected += reference.prefill.first { $0.P == row.P && $0.C == row.C }?.ms
                ?? costModel.passTime(segments: [row.P ..< row.P + row.C])
        }
        for row in measured.decode {
            decode.probed += row.ms
            let shared = row.distinctContext.map { row.B * row.P - $0 } ?? 0
            decode.expected += reference.decode.first { $0.P == row.P && $0.B == row.B && $0.distinctContext == row.distinctContext }?.ms
                ?? costModel.passTime(segments: [], decodeContexts: Array(repeating: row.P, count: row.B), sharedDecodeContext: shared)
        }
        func ratio(_ x: (probed: Double, expected: Double)) -> Double { x.expected > 0 && x.probed > 0 ? x.probed / x.expected : 1 }
        return HostSlowdown(prefill: ratio(prefill), decode: ratio(decode))
    }
}
