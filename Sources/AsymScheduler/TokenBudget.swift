import AsymCost

/// How much prefill work one iteration may take.
public enum TokenBudget: Sendable, Equatable, CustomStringConvertible {
    /// At most this many query tokens per pass, decodes included: vLLM's and Sarathi-Serve's
    /// `max_num_batched_tokens`.
    case fixed(Int)
    /// A time budget per pass from the cost model: while decodes run, the largest prefill that keeps
    /// the predicted pass time (so each decode's time per token) within `targetMs`; with no decodes,
    /// the larger `idleTargetMs`. nil: derived from the profile (`TokenBudget.defaultTargetMs`).
    case adaptive(targetMs: Double?)

    public var description: String {
        switch self {
        case .fixed(let n): "fixed:\(n)"
        case .adaptive(let t): t.map { "adaptive:\($0)ms" } ?? "adaptive"
        }
    }

    /// Parses `fixed:N`, `adaptive` or `adaptive:MS`.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        switch parts.first {
        case "fixed": guard parts.count == 2, let n = Int(parts[1]), n > 0 else { return nil }; self = .fixed(n)
        case "adaptive":
            if parts.count == 1 { self = .adaptive(targetMs: nil) } else {
                guard let t = Double(parts[1]), t > 0 else { return nil }
                self = .adaptive(targetMs: t)
            }
        default: return nil
        }
    }

    /// The chunk length from which the per-pass constant costs at most 10% of a pass at P = 0:
    /// the start of the hardware's efficient regime, by the cost model. Between 16 and 8192.
    public static func efficientChunk(_ model: CostModel) -> Int {
        var c = 16
        while c < 8192 && model.coefficients.constant > 0.1 * model.passTime(segments: [0 ..< c]) { c *= 2 }
        return c
    }

    /// The baselines' default chunk (vLLM's `max_num_batched_tokens` = 2048).
    public static let baselineChunk = 2048

    /// Sarathi-Serve's low-latency budget (its range is 512–2048 tokens).
    public static let decodeFriendlyChunk = 512

    /// Default pass-time target while decodes are running (the TPOT target): the predicted time of
    /// `decodeFriendlyChunk` tokens at P = 0, never below one efficient chunk. Sized in time, not
    /// tokens, so deep chunks and big decode batches take fewer prefill tokens. (Measured in the
    /// simulator on the CPU profile: a target of one efficient chunk, ~11 ms, halves the p99 TPOT
    /// of the docs workload but raises mean TTFT by a third; mean TPOT barely moves, since
    /// chunking only moves work between passes.)
    public static func defaultTargetMs(_ model: CostModel) -> Double {
        max(model.passTime(segments: [0 ..< decodeFriendlyChunk]), model.passTime(segments: [0 ..< efficientChunk(model)]))
    }

    /// Pass-time target when no decodes are running, so nobody waits on a token: the predicted time
    /// of the baselines' default budget (`baselineChunk` tokens at P = 0), never below `targetMs`.
    /// Prefill then runs in passes as large as the baselines' where tokens are cheap, and in fewer
    /// tokens where each costs more (deep positions).
    public static func idleTargetMs(_ model: CostModel, targetMs: Double) -> Double {
        max(model.passTime(segments: [0 ..< baselineChunk]), targetMs)
    }
}
