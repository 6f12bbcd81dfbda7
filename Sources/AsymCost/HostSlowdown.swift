/// How much slower than its cost profile a host runs, for each kind of pass: decode batches are
/// bound by memory traffic and prefill chunks by arithmetic, so a busy neighbour slows them by
/// different amounts. 1 is the profile's speed; 1.05 is 5% slower. On a shared machine it drifts
/// by several percent from run to run (measured), which a closed loop near saturation turns into
/// tens of percent of latency.
public struct HostSlowdown: Codable, Equatable, Sendable {
    public var prefill: Double
    public var decode: Double

    public init(prefill: Double, decode: Double) {
        precondition(prefill > 0 && decode > 0 && prefill.isFinite && decode.isFinite)
        self.prefill = prefill
        self.decode = decode
    }

    public static let none = HostSlowdown(prefill: 1, decode: 1)
}

extension CostModel {
    /// The same model on a host running at `slowdown`: the decode prices and the per-pass prices
    /// that dominate small (decode) passes (`constant`, `perSmallPassToken`) and the step overhead
    /// times `slowdown.decode`; the prefill segment prices and `perLargePassToken` times
    /// `slowdown.prefill`. The knees are unchanged.
    public func scaled(by slowdown: HostSlowdown) -> CostModel {
        let c = coefficients
        let (p, d) = (slowdown.prefill, slowdown.decode)
        return CostModel(
            coefficients: Coefficients(
                constant: c.constant * d, perPrefix: c.perPrefix * p, perToken: c.perToken * p, perAttended: c.perAttended * p,
                perSmallPassToken: c.perSmallPassToken * d, perDecodeContext: c.perDecodeContext * d,
                perLargePassToken: c.perLargePassToken * p, perDecodeToken: c.perDecodeToken * d,
                perDecodeDistinctKey: c.perDecodeDistinctKey * d, perDecodeUncachedKey: c.perDecodeUncachedKey * d,
                decodeCachedKeys: c.decodeCachedKeys, perLoneDecode: c.perLoneDecode * d,
                perLoneDecodeContext: c.perLoneDecodeContext * d),
            stepOverhead: stepOverhead.map { StepOverhead(fixedMs: $0.fixedMs * d, perSequenceMs: $0.perSequenceMs * d) })
    }
}
