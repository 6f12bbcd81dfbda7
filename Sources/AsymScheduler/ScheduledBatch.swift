import AsymCore

/// One iteration's work: a multi-segment batch plan and, per sequence, what it contains.
public struct ScheduledBatch {
    public struct Entry {
        public let sequence: SequenceState
        /// Position ranges computed by this pass, ascending.
        public let segments: [Range<Int>]
        /// The pass reaches the sequence's last token: its logits are returned and a token is sampled.
        public let samples: Bool
        /// A one-token decode step (not prefill).
        public let isDecode: Bool
    }

    public var plan: BatchPlan
    /// Parallel to `plan.sequences`.
    public var entries: [Entry]
    public var prefillTokenCount: Int
    public var decodeTokenCount: Int
    /// The cost model's prediction for this pass, in ms.
    public var predictedMs: Double
}

/// Why a request cannot be served.
public enum SchedulerError: Error, Equatable, CustomStringConvertible {
    /// Its prompt needs more KV blocks than the whole pool holds.
    case requestNeverFits(tokens: Int, capacityTokens: Int)
    case waitingQueueFull(limit: Int)
    case duplicateRequest(RequestID)

    public var description: String {
        switch self {
        case .requestNeverFits(let t, let c): "the request needs \(t) tokens of KV cache, more than the \(c) the cache holds"
        case .waitingQueueFull(let n): "the waiting queue is full (\(n) requests)"
        case .duplicateRequest(let id): "request \(id) is already scheduled"
        }
    }
}

/// Settings of the scheduler.
public struct SchedulerConfig: Sendable {
    public var budget: TokenBudget
    /// At most this many sequences run (hold KV) at once.
    public var maxRunningSequences: Int
    /// At most this many requests wait; more are refused (`waitingQueueFull`).
    public var maxWaitingRequests: Int
    /// Which waiting request is admitted next.
    public var admissionOrder: AdmissionOrder

    public init(budget: TokenBudget = .adaptive(targetMs: nil), maxRunningSequences: Int = 256,
                maxWaitingRequests: Int = 4096, admissionOrder: AdmissionOrder = .fcfs) {
        self.budget = budget
        self.admissionOrder = admissionOrder
        self.maxRunningSequences = maxRunningSequences
        self.maxWaitingRequests = maxWaitingRequests
    }
}
