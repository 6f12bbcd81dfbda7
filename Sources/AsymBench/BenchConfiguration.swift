import AsymCore
import AsymCost
import AsymEngine
import AsymModel
import AsymScheduler
import AsymTraces
import Foundation

/// Which workload generator to run.
public enum WorkloadKind: Sendable, Equatable {
    case chat, agent, docs
    case trace(URL)

    /// Parses `chat`, `agent`, `docs` or `trace:FILE`.
    public init?(parsing text: String) {
        switch text {
        case "chat": self = .chat
        case "agent", "agents": self = .agent
        case "docs", "documents": self = .docs
        default:
            guard text.hasPrefix("trace:"), text.count > 6 else { return nil }
            self = .trace(URL(fileURLWithPath: String(text.dropFirst(6))))
        }
    }

    /// The default policy list: asym and every baseline; agents swap `none` (the slowest, a
    /// reference only) for the Continuum-style pinning pair, to keep the default run short.
    public var defaultPolicies: String {
        self == .agent ? "asym,lru-prefix,radix-lru,asym+ttl,lru-prefix+ttl" : "asym,lru-prefix,radix-lru,none"
    }
}

/// Everything `asymcache bench` needs, with the documented defaults. `nil` options keep the
/// generator's default.
public struct BenchConfiguration: Sendable {
    public var workload: WorkloadKind = .chat
    public var policies: String?
    /// KV memory in tokens; nil: `kvFraction` of the workload's working set.
    public var kvCacheTokens: Int?
    public var kvFraction = 0.4
    /// Budget of the asym policies, and of the baselines (vLLM's default `max_num_batched_tokens`
    /// for chunked prefill is 2,048).
    public var asymBudget: TokenBudget = .adaptive(targetMs: nil)
    public var baselineBudget: TokenBudget = .fixed(2048)
    public var seed: UInt64 = 1
    /// Closed-loop users (chat) or agents; Poisson arrivals per second instead, when set.
    public var users: Int?
    public var rate: Double?
    public var jobsPerUser: Int?
    public var lengthScale: Double?
    public var timeScale: Double?
    public var maxRequests: Int?

    public init() {}

    /// Builds the workload for a model with `contextLimit` positions and `vocabularySize` ids
    /// (prompts use ids from 16 up, leaving the special tokens at the start of the vocabulary alone).
    public func makeWorkload(contextLimit: Int, vocabularySize: Int) throws -> Workload {
        let vocabulary = TokenID(min(16, vocabularySize / 2)) ..< TokenID(vocabularySize)
        switch workload {
        case .chat:
            var g = ChatWorkload()
            g.seed = seed
            if let users { g.users = users }
            if let jobsPerUser { g.conversationsPerUser = jobsPerUser }
            g.poissonRate = rate
            if let lengthScale { g.lengthScale = lengthScale }
            if let timeScale { g.timeScale = timeScale }
            return g.make(contextLimit: contextLimit, vocabulary: vocabulary)
        case .agent:
            var g = AgentWorkload()
            g.seed = seed
            if let users { g.agents = users }
            if let jobsPerUser { g.jobsPerAgent = jobsPerUser }
            g.poissonRate = rate
            if let lengthScale { g.lengthScale = lengthScale }
            if let timeScale { g.timeScale = timeScale }
            return g.make(contextLimit: contextLimit, vocabulary: vocabulary)
        case .docs:
            var g = DocumentWorkload()
            g.seed = seed
            if let users { g.questions = users }
            if let rate { g.poissonRate = rate }
            if let lengthScale { g.lengthScale = lengthScale }
            return g.make(contextLimit: contextLimit, vocabulary: vocabulary)
        case .trace(let url):
            var g = TraceWorkload(trace: try MooncakeTrace(contentsOf: url), source: url.lastPathComponent)
            if let lengthScale { g.lengthScale = lengthScale }
            if let timeScale { g.timeScale = timeScale }
            if let maxRequests { g.maxRequests = maxRequests }
            return g.make(contextLimit: contextLimit, vocabulary: vocabulary)
        }
    }

    public func variants() throws -> [PolicyVariant] {
        try PolicyVariant.parseList(policies ?? workload.defaultPolicies, asymBudget: asymBudget,
                                    baselineBudget: baselineBudget).get()
    }

    /// KV memory for a workload: the explicit size, else `kvFraction` of its working set, at least
    /// room for its longest call plus one block.
    public func kvTokens(for workload: Workload, blockSize: Int = 16) -> Int {
        let wanted = kvCacheTokens ?? Int((Double(workload.workingSetTokens(blockSize: blockSize)) * kvFraction).rounded())
        return max(wanted, workload.longestContext + blockSize)
    }
}

/// A whole side-by-side run on a loaded model: the engine for each variant runs on a warp clock.
public struct ModelBench {
    public let loaded: LoadedModel
    public let configuration: BenchConfiguration
    public let costModel: CostModel

    public init(loaded: LoadedModel, configuration: BenchConfiguration, costModel: CostModel) {
        self.loaded = loaded
        self.configuration = configuration
        self.costModel = costModel
    }

    public func makeWorkload() throws -> Workload {
        try configuration.makeWorkload(contextLimit: loaded.config.maxPositionEmbeddings,
                                       vocabularySize: loaded.config.vocabularySize)
    }

    /// Runs every variant on `workload`. `progress(variantIndex, finishedCalls)`.
    public func run(_ workload: Workload, machine: String, progress: (Int, Int) -> Void = { _, _ in }) throws -> BenchReport {
        let start = Date()
        let kvTokens = configuration.kvTokens(for: workload)
        let bench = SideBySideBench(workload: workload, variants: try configuration.variants()) { variant in
            let clock = WarpClock()
            let engine = loaded.makeEngine(policy: variant.policy, kvCacheTokens: kvTokens, budget: variant.budget,
                                           costModel: costModel, admissionOrder: variant.admissionOrder, clock: clock.now)
            return (engine, clock)
        }
        let (results, lossless) = try bench.run(progress: progress)
        return BenchReport(model: loaded.name, machine: machine, workload: workload, kvCacheTokens: kvTokens,
                           workingSetTokens: workload.workingSetTokens(), variants: results, lossless: lossless,
                           wallSeconds: Date().timeIntervalSince(start))
    }
}
