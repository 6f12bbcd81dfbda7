import AsymCore
import AsymKV

/// The scheduler's state of one request: its tokens (prompt, then generated), which positions
/// still need computing, and its cache statistics. Owned by one `Scheduler`; not thread-safe.
public final class SequenceState {
    public enum Status: Sendable, Equatable { case waiting, running, finished }

    public let id: RequestID
    /// Prompt then generated tokens.
    public private(set) var tokens: [TokenID]
    public let promptTokenCount: Int
    public let namespace: CacheNamespace
    public var hints: RequestHints
    public let arrivalTime: Double
    public internal(set) var status: Status = .waiting
    /// Positions not yet computed: disjoint, ascending ranges (holes, then the suffix or the
    /// decode token). Empty while waiting (the admission lookup fills it).
    public internal(set) var pending: [Range<Int>] = []
    /// Tokens appended since the KV manager last saw this sequence's length.
    var unsyncedTokenCount = 0
    /// Order of the latest admission; the newest running sequence is preempted first.
    var admissionOrder: UInt64 = 0
    /// Priority while waiting under a cost-aware admission order (lowest first): arrival time plus
    /// slack × predicted prefill seconds; −∞ once preempted.
    var admissionKey = 0.0

    // Statistics, summed over every admission (a preempted sequence is admitted again).
    public internal(set) var hitTokenCount = 0
    public internal(set) var holeTokenCount = 0
    public internal(set) var suffixTokenCount = 0
    public internal(set) var preemptionCount = 0

    public init(id: RequestID, prompt: [TokenID], namespace: CacheNamespace = .shared,
                hints: RequestHints = RequestHints(), arrivalTime: Double) {
        precondition(!prompt.isEmpty, "a prompt has at least one token")
        self.id = id
        tokens = prompt
        promptTokenCount = prompt.count
        self.namespace = namespace
        self.hints = hints
        self.arrivalTime = arrivalTime
    }

    public var generatedTokenCount: Int { tokens.count - promptTokenCount }
    public var generatedTokens: ArraySlice<TokenID> { tokens[promptTokenCount...] }

    /// Appends a sampled token: its position becomes the next decode step.
    func append(_ token: TokenID) {
        tokens.append(token)
        pending.append(tokens.count - 1 ..< tokens.count)
        unsyncedTokenCount += 1
    }

    /// Removes `ranges` (a prefix of each pending range, in order) from `pending`.
    func markComputed(_ ranges: [Range<Int>]) {
        for r in ranges {
            guard let i = pending.firstIndex(where: { $0.contains(r.lowerBound) }) else { continue }
            let p = pending[i]
            precondition(p.lowerBound == r.lowerBound && r.upperBound <= p.upperBound, "computed out of order")
            if r.upperBound == p.upperBound { pending.remove(at: i) } else { pending[i] = r.upperBound ..< p.upperBound }
        }
    }
}
