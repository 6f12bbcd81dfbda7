/// Predicts forward-pass times (milliseconds) from the shape of the pass.
///
/// Form: a pass costs `constant` once, and every query segment at prefix length P with chunk
/// length C adds `perPrefix·P + perToken·C + perAttended·(2PC + C²)`. `2PC + C²` is twice the
/// attended key count, so the attention term does not depend on how a run of positions is chunked;
/// `perPrefix·P` is the price of starting a segment deep in a context, which is why one long hole is
/// cheaper than the same tokens in many short ones.
///
/// A decode token at context length P adds `perDecodeToken + perDecodeContext·P`, and each context
/// token the pass's decodes read adds `perDecodeDistinctKey` once, however many decodes share it (a
/// shared system prompt is read from memory once and then from cache), plus `perDecodeUncachedKey`
/// beyond the first `decodeCachedKeys` of them (what the caches cannot hold comes from DRAM; the knee
/// is fitted). Decodes have their own prices, fitted on the decode rows alone, so that large prefill
/// chunks cannot shift them.
///
/// A pass that is one decode and nothing else (a lone decode) adds `perLoneDecode +
/// perLoneDecodeContext·P` on top (the intercept signed, the slope ≥ 0): the kernels take other paths for it (attention splits the
/// sequence's KV heads across cores instead of giving each core whole sequences; every matmul has
/// one row), and one decode is the most common pass of a lightly loaded server. Fitted on B = 1
/// decode rows: without it those rows came out 5–12% under-predicted (measured).
///
/// Two hinges bend the per-token price where the hardware changes regime: a pass's first
/// `smallPassTokens` tokens cost more (too few rows to share weight loads), and so do its tokens
/// beyond `largePassTokens` (activations outgrow the caches). A profile without rows beyond a knee
/// fits 0 there.
public struct CostModel: Equatable, Sendable {
    public struct Coefficients: Equatable, Sendable {
        public var constant: Double
        public var perPrefix: Double
        public var perToken: Double
        public var perAttended: Double
        /// Extra cost of each of a pass's first `smallPassTokens` tokens: small passes cannot share
        /// weight loads across enough rows (memory-bound matmul), so their tokens cost more.
        public var perSmallPassToken: Double
        /// Cost of each context key a decode token reads.
        public var perDecodeContext: Double
        /// Extra cost of each token of a pass beyond its first `largePassTokens`.
        public var perLargePassToken: Double
        /// Cost of a decode token apart from its context.
        public var perDecodeToken: Double
        /// Cost of each distinct context token a pass's decodes read (memory traffic; paid once per
        /// pass however many decodes share the token). 0 unless the profile has shared-context rows.
        public var perDecodeDistinctKey: Double
        /// Extra cost of each distinct decode context token beyond the first `decodeCachedKeys`.
        public var perDecodeUncachedKey: Double
        /// The knee of `perDecodeUncachedKey`, in tokens (chosen by the fit from powers of two).
        public var decodeCachedKeys: Int
        /// Extra cost of a lone decode pass (signed: a correction), and per context token of it (≥ 0).
        public var perLoneDecode: Double
        public var perLoneDecodeContext: Double
        /// `perDecodeToken` nil: the same as `perToken`.
        public init(constant: Double, perPrefix: Double, perToken: Double, perAttended: Double,
                    perSmallPassToken: Double = 0, perDecodeContext: Double = 0, perLargePassToken: Double = 0,
                    perDecodeToken: Double? = nil, perDecodeDistinctKey: Double = 0, perDecodeUncachedKey: Double = 0,
                    decodeCachedKeys: Int = 0, perLoneDecode: Double = 0, perLoneDecodeContext: Double = 0) {
            self.perLoneDecode = perLoneDecode
            self.perLoneDecodeContext = perLoneDecodeContext
            self.perDecodeUncachedKey = perDecodeUncachedKey
            self.decodeCachedKeys = decodeCachedKeys
            self.perLargePassToken = perLargePassToken
            self.perDecodeDistinctKey = perDecodeDistinctKey
            self.perDecodeToken = perDecodeToken ?? perToken
            self.constant = constant
            self.perPrefix = perPrefix
            self.perToken = perToken
            self.perAttended = perAttended
            self.perSmallPassToken = perSmallPassToken
            self.perDecodeContext = perDecodeContext
        }

        /// In the order of `CostModel.fitRows`' features.
        var vector: [Double] {
            [constant, perPrefix, perToken, perAttended, perSmallPassToken, perDecodeContext, perLargePassToken, perDecodeToken,
             perDecodeDistinctKey, perDecodeUncachedKey, perLoneDecode, perLoneDecodeContext]
        }
    }

    public var coefficients: Coefficients
    /// Host time per engine step outside the pass (the profile's `step`; nil: none). Only the
    /// simulator's clock pays it: the scheduler's budget prices passes alone.
    public var stepOverhead: StepOverhead?

    public init(coefficients: Coefficients, stepOverhead: StepOverhead? = nil) {
        self.coefficients = coefficients
        self.stepOverhead = stepOverhead
    }

    /// Host overhead of one engine step over `sequences` sequences whose block tables hold
    /// `contextBlocks` blocks, in ms (0 when not measured).
    public func stepOverheadMs(sequences: Int, contextBlocks: Int = 0) -> Double {
        stepOverhead?.ms(sequences: sequences, contextBlocks: contextBlocks) ?? 0
    }


    /// Fits the coefficients to every row of `profile`, minimizing relative squared error, with
    /// every price ≥ 0 (only the lone-decode intercept is signed; a negative price is noise; it would, say, make deep holes look cheap):
    /// a coefficient that comes out negative is fixed at 0 and the rest refitted. A feature that is
    /// 0 in every row (no decode rows, no pass beyond the large-pass knee) is fixed at 0, except that
    /// without decode rows a decode token is priced as a prefill token. The distinct-key prices need
    /// shared-context decode rows; with them, the knee of the uncached-key price is the power of two
    /// (1K…64K tokens) that fits best.
    public init(fitting profile: CostProfile) throws {
        let identifiable = profile.decode.contains { $0.distinctContext != nil && $0.distinctContext != $0.B * $0.P }
        var best: (model: CostModel, error: Double)?
        for knee in identifiable ? (10 ... 16).map({ 1 << $0 }) : [0] {
            let model = try CostModel(fitting: profile, decodeCachedKeys: knee, distinctKeys: identifiable)
            let error = model.meanRelativeError(on: profile)
            if best == nil || error < best!.error { best = (model, error) }
        }
        self = best!.model
        stepOverhead = profile.step
    }

    private init(fitting profile: CostProfile, decodeCachedKeys knee: Int, distinctKeys: Bool) throws {
        let rows = Self.fitRows(profile, decodeCachedKeys: knee)
        let width = Coefficients(constant: 0, perPrefix: 0, perToken: 0, perAttended: 0).vector.count
        guard rows.count >= 6 else { throw CostModelError.notEnoughRows(rows.count) }
        var active = (0 ..< width).filter { f in rows.contains { $0.features[f] != 0 } }
        // Without shared-context rows, distinct keys equal Σ context in every row: not identifiable.
        if !distinctKeys { active.removeAll { $0 == 8 || $0 == 9 } }
        // The lone-decode line needs at least 3 single-decode rows over at least 2 contexts, and
        // batched decode rows to tell it from the general decode prices.
        let lone = profile.decode.filter { $0.B == 1 }
        if lone.count < 3 || Set(lone.map(\.P)).count < 2 || !profile.decode.contains(where: { $0.B > 1 }) {
            active.removeAll { $0 == 10 || $0 == 11 }
        }
        var beta = [Double](repeating: 0, count: width)
        while true {
            guard
                let solved = LeastSquares.solve(
                    rows: rows.map { r in active.map { r.features[$0] } }, targets: rows.map(\.ms),
                    weights: rows.map { 1 / max($0.ms, 1e-9) })
            else { throw CostModelError.singularFit }
            beta = [Double](repeating: 0, count: width)
            for (j, feature) in active.enumerated() { beta[feature] = solved[j] }
            let priced = active.indices.filter { !Self.signedFeatures.contains(active[$0]) }
            guard let worst = priced.min(by: { solved[$0] < solved[$1] }), solved[worst] < 0, active.count > 1
            else { break }
            active.remove(at: worst)
        }
        coefficients = Coefficients(constant: beta[0], perPrefix: beta[1], perToken: beta[2], perAttended: beta[3],
                                    perSmallPassToken: beta[4], perDecodeContext: beta[5], perLargePassToken: beta[6],
                                    perDecodeToken: active.contains(7) ? beta[7] : beta[2], perDecodeDistinctKey: beta[8],
                                    perDecodeUncachedKey: beta[9], decodeCachedKeys: knee, perLoneDecode: beta[10],
                                    perLoneDecodeContext: beta[11])
    }

    /// The H100 Llama-3-8B model fitted from the shipped profile.
    public static func h100Llama3_8B() throws -> CostModel { try CostModel(fitting: CostProfile.h100Llama3_8B()) }

    /// Marginal time of one segment inside a pass (no per-pass constant), in ms.
    @inlinable public func segmentTime(prefixLength p: Int, chunkLength c: Int) -> Double {
        guard c > 0 else { return 0 }
        let (pd, cd) = (Double(p), Double(c))
        return coefficients.perPrefix * pd + coefficients.perToken * cd + coefficients.perAttended * (2 * pd * cd + cd * cd)
    }

    /// Time of one pass made of prefill segments (absolute position ranges) plus decode tokens
    /// at the given context lengths, in ms. `sharedDecodeContext`: context tokens some decode reads
    /// that an earlier decode of the pass already read (they pay no `perDecodeDistinctKey`).
    /// An empty pass costs 0.
    public func passTime(segments: [Range<Int>], decodeContexts: [Int] = [], sharedDecodeContext: Int = 0) -> Double {
        if segments.allSatisfy(\.isEmpty) && decodeContexts.isEmpty { return 0 }
        var t = coefficients.constant
        var tokens = decodeContexts.count
        for s in segments {
            t += segmentTime(prefixLength: s.lowerBound, chunkLength: s.count)
            tokens += s.count
        }
        if !decodeContexts.isEmpty {
            let context = decodeContexts.reduce(0, +)
            let distinct = Double(context - sharedDecodeContext)
            t += coefficients.perDecodeToken * Double(decodeContexts.count) + coefficients.perDecodeContext * Double(context)
                + coefficients.perDecodeDistinctKey * distinct
                + coefficients.perDecodeUncachedKey * max(distinct - Double(coefficients.decodeCachedKeys), 0)
            if decodeContexts.count == 1 && segments.allSatisfy(\.isEmpty) {
                t += coefficients.perLoneDecode + coefficients.perLoneDecodeContext * Double(context)
            }
        }
        return t + coefficients.perSmallPassToken * Double(min(tokens, Self.smallPassTokens))
            + coefficients.perLargePassToken * Double(max(tokens - Self.largePassTokens, 0))
    }

    /// Marginal time of rebuilding the given holes (and/or a suffix) inside passes that run
    /// anyway: the sum of their segment times, without the per-pass constant. In ms.
    public func rebuildTime(_ ranges: [Range<Int>]) -> Double {
        ranges.reduce(0) { $0 + segmentTime(prefixLength: $1.lowerBound, chunkLength: $1.count) }
    }

    /// |predicted − measured| / measured for each row of `profile` (prefill rows, then decode rows).
    public func relativeErrors(on profile: CostProfile) -> [Double] {
        Self.fitRows(profile, decodeCachedKeys: coefficients.decodeCachedKeys).map { row in
            let predicted = zip(row.features, coefficients.vector).reduce(0) { $0 + $1.0 * $1.1 }
            return abs(predicted - row.ms) / row.ms
        }
    }

    /// Mean of `relativeErrors(on:)`.
    public func meanRelativeError(on profile: CostProfile) -> Double {
        let e = relativeErrors(on: profile)
        return e.isEmpty ? 0 : e.reduce(0, +) / Double(e.count)
    }

    /// Features whose coefficient may be negative (the lone-decode intercept); every other price,
    /// the lone decode's per-context price included, is ≥ 0, so the correction never shrinks with depth.
    static let signedFeatures: Set<Int> = [10]

    /// Passes up to this many tokens pay `perSmallPassToken` per token on top.
    public static let smallPassTokens = 64
    /// A pass's tokens beyond this many pay `perLargePassToken` each on top (Sarathi-Serve's
    /// low-latency budget: the adaptive budget's passes with decodes stay below it).
    public static let largePassTokens = 512

    /// Features (1, ΣP, ΣC, Σ(2PC + C²), min(T, 64), Σ decode context, max(T − 512, 0), decode tokens,
    /// distinct decode context D, max(D − knee, 0), lone decode, lone decode's context) of each profile
    /// row (T tokens in the pass), with its measured time.
    static func fitRows(_ profile: CostProfile, decodeCachedKeys knee: Int) -> [(features: [Double], ms: Double)] {
        let prefill = profile.prefill.map { r -> ([Double], Double) in
            let (p, c) = (Double(r.P), Double(r.C))
            return ([1, p, c, 2 * p * c + c * c, min(c, Double(smallPassTokens)), 0, max(c - Double(largePassTokens), 0), 0, 0, 0, 0, 0],
                    r.ms)
        }
        let decode = profile.decode.map { r -> ([Double], Double) in
            let (p, b) = (Double(r.P), Double(r.B))
            let distinct = Double(r.distinctContext ?? r.B * r.P)
            let lone = r.B == 1 ? 1.0 : 0
            return ([1, 0, 0, 0, min(b, Double(smallPassTokens)), b * p, max(b - Double(largePassTokens), 0), b, distinct,
                     max(distinct - Double(knee), 0), lone, lone * p], r.ms)
        }
        return (prefill + decode).map { (features: $0.0, ms: $0.1) }
    }
}
