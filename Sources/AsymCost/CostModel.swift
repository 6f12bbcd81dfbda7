/// Predicts forward-pass times (milliseconds) from the shape of the pass.
///
/// Form: a pass costs `constant` once, and every query segment at prefix length P with chunk
/// length C adds `perPrefix·P + perToken·C + perAttended·(2PC + C²)`. A decode token at context
/// length P adds `perDecodeToken + perDecodeContext·P`: one query reading P keys is bound by memory,
/// not by arithmetic as a chunk's queries are, so it has its own prices (fitted on the decode rows
/// alone, so that large prefill chunks cannot shift the price of a decode). `2PC + C²` is twice the attended key count,
/// so the attention term does not depend on how a run of positions is chunked; `perPrefix·P`
/// is the price of starting a segment deep in a context, which is why one long hole is cheaper
/// than the same tokens in many short ones. Two hinges bend the per-token price where the
/// hardware changes regime: a pass's first `smallPassTokens` tokens cost more (too few rows to
/// share weight loads) and its tokens beyond `largePassTokens` cost more or less (activations
/// outgrow the caches on a CPU; a GPU saturates). A profile without rows beyond the knee fits 0.
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
        /// `perDecodeToken` nil: the same as `perToken`.
        public init(constant: Double, perPrefix: Double, perToken: Double, perAttended: Double,
                    perSmallPassToken: Double = 0, perDecodeContext: Double = 0, perLargePassToken: Double = 0,
                    perDecodeToken: Double? = nil) {
            self.perLargePassToken = perLargePassToken
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
            [constant, perPrefix, perToken, perAttended, perSmallPassToken, perDecodeContext, perLargePassToken, perDecodeToken]
        }
    }

    public var coefficients: Coefficients

    public init(coefficients: Coefficients) { self.coefficients = coefficients }

    /// Fits the coefficients to every row of `profile`, minimizing relative squared error, with
    /// every coefficient ≥ 0 (a negative price is noise; it would, say, make deep holes look cheap):
    /// a coefficient that comes out negative is fixed at 0 and the rest refitted. A feature that is
    /// 0 in every row (no decode rows, no pass beyond the large-pass knee) is fixed at 0, except that
    /// without decode rows a decode token is priced as a prefill token.
    public init(fitting profile: CostProfile) throws {
        let rows = Self.fitRows(profile)
        let width = Coefficients(constant: 0, perPrefix: 0, perToken: 0, perAttended: 0).vector.count
        guard rows.count >= 6 else { throw CostModelError.notEnoughRows(rows.count) }
        var active = (0 ..< width).filter { f in rows.contains { $0.features[f] != 0 } }
        var beta = [Double](repeating: 0, count: width)
        while true {
            guard
                let solved = LeastSquares.solve(
                    rows: rows.map { r in active.map { r.features[$0] } }, targets: rows.map(\.ms),
                    weights: rows.map { 1 / max($0.ms, 1e-9) })
            else { throw CostModelError.singularFit }
            beta = [Double](repeating: 0, count: width)
            for (j, feature) in active.enumerated() { beta[feature] = solved[j] }
            guard let worst = active.indices.min(by: { solved[$0] < solved[$1] }), solved[worst] < 0, active.count > 1
            else { break }
            active.remove(at: worst)
        }
        coefficients = Coefficients(constant: beta[0], perPrefix: beta[1], perToken: beta[2], perAttended: beta[3],
                                    perSmallPassToken: beta[4], perDecodeContext: beta[5], perLargePassToken: beta[6],
                                    perDecodeToken: active.contains(7) ? beta[7] : beta[2])
    }

    /// The H100 Llama-3-8B model fitted from the shipped profile.
    public static func h100Llama3_8B() throws -> CostModel { try CostModel(fitting: CostProfile.h100Llama3_8B()) }

    /// Marginal time of one segment inside a pass (no per-pass constant), in ms.
    @inlinable public func segmentTime(prefixLength p: Int, chunkLength c: Int) -> Double {
        guard c > 0 else { return 0 }
        let (pd, cd) = (Double(p), Double(c))
        return coefficients.perPrefix * pd + coefficients.perToken * cd + coefficients.perAttended * (2 * pd * cd + cd * cd)
    }

    /// Marginal time of one decode token over a context of `p` tokens (no per-pass constant), in ms.
    @inlinable public func decodeTokenTime(contextLength p: Int) -> Double {
        coefficients.perDecodeToken + coefficients.perDecodeContext * Double(p)
    }

    /// Time of one pass made of prefill segments (absolute position ranges) plus decode tokens
    /// at the given context lengths, in ms. An empty pass costs 0.
    public func passTime(segments: [Range<Int>], decodeContexts: [Int] = []) -> Double {
        if segments.allSatisfy(\.isEmpty) && decodeContexts.isEmpty { return 0 }
        var t = coefficients.constant
        var tokens = decodeContexts.count
        for s in segments {
            t += segmentTime(prefixLength: s.lowerBound, chunkLength: s.count)
            tokens += s.count
        }
        for p in decodeContexts { t += decodeTokenTime(contextLength: p) }
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
        Self.fitRows(profile).map { row in
            let predicted = zip(row.features, coefficients.vector).reduce(0) { $0 + $1.0 * $1.1 }
            return abs(predicted - row.ms) / row.ms
        }
    }

    /// Mean of `relativeErrors(on:)`.
    public func meanRelativeError(on profile: CostProfile) -> Double {
        let e = relativeErrors(on: profile)
        return e.isEmpty ? 0 : e.reduce(0, +) / Double(e.count)
    }

    /// Passes up to this many tokens pay `perSmallPassToken` per token on top.
    public static let smallPassTokens = 64
    /// A pass's tokens beyond this many pay `perLargePassToken` each on top (Sarathi-Serve's
    /// low-latency budget: the adaptive budget's passes with decodes stay below it).
    public static let largePassTokens = 512

    /// Features (1, ΣP, ΣC, Σ(2PC + C²), min(T, 64), Σ decode context, max(T − 512, 0), decode tokens)
    /// of each profile row (T tokens in the pass), with its measured time.
    static func fitRows(_ profile: CostProfile) -> [(features: [Double], ms: Double)] {
        let prefill = profile.prefill.map { r -> ([Double], Double) in
            let (p, c) = (Double(r.P), Double(r.C))
            return ([1, p, c, 2 * p * c + c * c, min(c, Double(smallPassTokens)), 0, max(c - Double(largePassTokens), 0), 0], r.ms)
        }
        let decode = profile.decode.map { r -> ([Double], Double) in
            let (p, b) = (Double(r.P), Double(r.B))
            return ([1, 0, 0, 0, min(b, Double(smallPassTokens)), b * p, max(b - Double(largePassTokens), 0), b], r.ms)
        }
        return (prefill + decode).map { (features: $0.0, ms: $0.1) }
    }
}
