import AsymBench
import AsymCost

extension CostModel {
    /// The same model on a host running at `slowdown`: the decode prices, the per-pass prices that
    /// dominate small (decode) passes (`constant`, `perSmallPassToken`) and the step overhead times
    /// `slowdown.decode`; the prefill segment prices and `perLargePassToken` times `slowdown.prefill`.
    /// The knees are unchanged.
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
            stepOverhead: stepOverhead.map {
                StepOverhead(fixedMs: $0.fixedMs * d, perSequenceMs: $0.perSequenceMs * d, perContextBlockMs: $0.perContextBlockMs * d)
            })
    }
}
