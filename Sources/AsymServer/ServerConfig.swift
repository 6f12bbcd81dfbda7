import AsymCost
import AsymKV
import AsymScheduler

/// Settings of `asymcache serve`: where to listen, how big the engine is, and request limits.
public struct ServerConfig: Sendable {
    public var host: String
    public var port: Int
    /// The name clients pass as `model`; nil: the loaded model's name.
    public var servedModelName: String?
    public var policy: PolicyKind
    /// KV cache capacity in tokens (rounded up to whole blocks).
    public var kvCacheTokens: Int
    /// At most this many sequences hold KV and run at once.
    public var maxRunningSequences: Int
    /// At most this many requests wait; more get 429.
    public var maxWaitingRequests: Int
    public var budget: TokenBudget
    /// Which waiting request runs next; nil: the policy's default (`AdmissionOrder.default(for:)`).
    public var admissionOrder: AdmissionOrder?
    /// Request bodies larger than this get 413.
    public var maxBodyBytes: Int
    /// The cost model behind the adaptive budget and the `asym` policy. The one place to change it.
    public var costModel: CostModel

    public init(
        host: String = "127.0.0.1", port: Int = 8000, servedModelName: String? = nil, policy: PolicyKind = .asym,
        kvCacheTokens: Int = 65_536, maxRunningSequences: Int = 256, maxWaitingRequests: Int = 1024,
        budget: TokenBudget = .adaptive(targetMs: nil), admissionOrder: AdmissionOrder? = nil,
        maxBodyBytes: Int = 4 << 20, costModel: CostModel
    ) {
        self.admissionOrder = admissionOrder
        self.host = host
        self.port = port
        self.servedModelName = servedModelName
        self.policy = policy
        self.kvCacheTokens = kvCacheTokens
        self.maxRunningSequences = maxRunningSequences
        self.maxWaitingRequests = maxWaitingRequests
        self.budget = budget
        self.maxBodyBytes = maxBodyBytes
        self.costModel = costModel
    }
}
