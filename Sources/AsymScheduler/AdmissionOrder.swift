import AsymKV

/// The order in which waiting requests are admitted.
///
/// - `fcfs`: arrival order (vLLM's and SGLang's default).
/// - `shortestPrefillFirst(slack:)`: lowest `arrival + slack × predicted prefill time` first.
///   The prediction is the cost model's time for the request's holes and suffix at the moment it
///   arrives (one cache lookup), so a request that hits most of its context overtakes one that
///   must compute thousands of tokens: the mean time to first token falls, as with shortest-job-first.
///   A request can only be overtaken by requests that arrived less than `slack ×` its own predicted
///   prefill time after it, so nothing starves. Preempted requests go first, as in FCFS.
///   SGLang's `lpm` (longest prefix match) is the prefix-only, unbounded cousin of this order.
///
/// Neither order changes any output: only when a request runs, never what it computes.
public enum AdmissionOrder: Sendable, Equatable, CustomStringConvertible {
    case fcfs
    case shortestPrefillFirst(slack: Double)

    /// The slack of the default cost-aware order: a request waits at most about 10× its own
    /// predicted prefill time for others that arrived after it.
    public static let defaultSlack = 10.0

    /// Asym policies admit by predicted prefill time; the baselines in arrival order, as their
    /// engines do by default.
    public static func `default`(for policy: PolicyKind) -> AdmissionOrder {
        switch policy {
        case .asym, .asymPrefix, .asymRecency: .shortestPrefillFirst(slack: defaultSlack)
        case .none, .lruPrefix, .radixLRU: .fcfs
        }
    }

    public var description: String {
        switch self {
        case .fcfs: "fcfs"
        case .shortestPrefillFirst(let s): s == Self.defaultSlack ? "spf" : "spf:\(s)"
        }
    }

    /// Parses `fcfs`, `spf` or `spf:SLACK` (SLACK > 0).
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        switch parts.first {
        case "fcfs" where parts.count == 1: self = .fcfs
        case "spf":
            if parts.count == 1 { self = .shortestPrefillFirst(slack: Self.defaultSlack) } else {
                guard let s = Double(parts[1]), s > 0, s.isFinite else { return nil }
                self = .shortestPrefillFirst(slack: s)
            }
        default: return nil
        }
    }
}
