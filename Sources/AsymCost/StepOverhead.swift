/// Host time an engine step spends outside the forward pass: scheduling, the cache manager,
/// sampling and handing out tokens. The cost model prices only the pass; the simulator adds this
/// to every step, as the engine pays it. Measured by `asymcache profile` (`Profiler`).
///
/// Form: `fixedMs + perSequenceMs · S` for a step over S sequences, both ≥ 0.
public struct StepOverhead: Codable, Equatable, Sendable {
    public var fixedMs: Double
    public var perSequenceMs: Double

    public init(fixedMs: Double, perSequenceMs: Double) {
        self.fixedMs = fixedMs
        self.perSequenceMs = perSequenceMs
    }

    /// Overhead of one step over `sequences` sequences, in ms.
    public func ms(sequences: Int) -> Double { fixedMs + perSequenceMs * Double(sequences) }

    /// The least-squares line through `samples` (sequences in the step, overhead in ms), with both
    /// prices clamped at 0 (a negative slope is noise: the line is then the mean). Nil without two
    /// distinct sequence counts.
    public static func fit(_ samples: [(sequences: Int, ms: Double)]) -> StepOverhead? {
        guard Set(samples.map(\.sequences)).count >= 2 else { return nil }
        let n = Double(samples.count)
        let meanS = samples.reduce(0) { $0 + Double($1.sequences) } / n
        let meanMs = samples.reduce(0) { $0 + $1.ms } / n
        var covariance = 0.0, variance = 0.0
        for s in samples {
            let ds = Double(s.sequences) - meanS
            covariance += ds * (s.ms - meanMs)
            variance += ds * ds
        }
        let slope = max(covariance / variance, 0)
        let intercept = meanMs - slope * meanS
        if intercept < 0 { return StepOverhead(fixedMs: 0, perSequenceMs: max(meanMs / meanS, 0)) }
        return StepOverhead(fixedMs: intercept, perSequenceMs: slope)
    }
}
