import AsymCost
import Foundation

extension LoadedModel {
    /// The cost model the scheduler and the cache use for this model on this machine:
    /// - `profile`: a profile file (`asymcache profile` output, or the H100 per-layer format);
    /// - else a profile shipped for this model (`cpu-<name>.json`, measured on the 2-core dev machine);
    /// - else a quick calibration: a small grid measured now (a few seconds).
    public func costModel(profile: URL? = nil) throws -> CostModel {
        if let profile {
            return try CostModel(fitting: CostProfile.load(contentsOf: profile))
        }
        if let shipped = CostProfile.bundled("cpu-\(name)") { return try CostModel(fitting: shipped) }
        let profiler = Profiler(model: model, repetitions: 1, rounds: 1, kvElementType: kvElementType)
        let grid = Profiler.Grid(prefixLengths: [0, 512], chunkLengths: [16, 128, 512], decodeContexts: [128, 512],
                                 decodeBatches: [1, 8])
        return try CostModel(fitting: profiler.measure(grid, device: Profiler.deviceDescription()))
    }
}
