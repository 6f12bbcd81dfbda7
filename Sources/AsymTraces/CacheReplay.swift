import AsymCore
import AsymCost
import AsymKV
import Foundation

/// Replays a Mooncake trace through the cache manager alone, one request at a time: lookup,
/// admit, commit every full prompt block, release. No model runs; the cost model prices what
/// each request would have to compute (its holes and suffix). Output tokens are not replayed
/// (the trace's hash ids cover prompts only).
public struct CacheReplay: Sendable {
    public struct Result: Sendable {
        public var policy: String
        public var capacityTokens: Int
        public var requests = 0
        /// Requests larger than the whole pool, computed in full without touching the cache.
        public var oversizeRequests = 0
        public var promptTokens = 0
        public var hitTokens = 0
        public var holeTokens = 0
        public var suffixTokens = 0
        /// Predicted time to compute every request's holes and suffix (marginal segment times).
        public var rebuildMs = 0.0
        /// Predicted time to compute every prompt in full (no cache), same pricing.
        public var fullComputeMs = 0.0
        public var stats = KVCacheStats()
        public var wallSeconds = 0.0

        public var tokenHitRatio: Double { promptTokens == 0 ? 0 : Double(hitTokens) / Double(promptTokens) }
        /// Predicted compute time the cache saved.
        public var savedMs: Double { fullComputeMs - rebuildMs }
    }

    /// Names the replay accepts: every `PolicyKind` plus the offline references.
    public static let oracleNames = ["oracle", "oracle-prefix"]
    public static var allPolicyNames: [String] { PolicyKind.allCases.map(\.rawValue) + oracleNames }

    public var trace: MooncakeTrace
    public var costModel: CostModel
    public var blockSize: Int
    public var synthesizer: TraceTokenSynthesizer

    public init(trace: MooncakeTrace, costModel: CostModel, blockSize: Int = 16, vocabularySize: Int = 128_000) {
        self.trace = trace
        self.costModel = costModel
        self.blockSize = blockSize
        self.synthesizer = TraceTokenSynthesizer(vocabularySize: vocabularySize)
    }

    /// Replays the first `limit` requests (all by default) with `policyName` in a pool of
    /// `capacityTokens / blockSize` blocks.
    /// With `derivedSessions`, each request carries its first hash id as a session id (the
    /// trace has none), and `asym` credits `sessionBonus` extra uses to blocks of sessions seen
    /// at least twice (`AsymPolicy.sessionBonus`).
    public func run(
        policyName: String, capacityTokens: Int, limit: Int? = nil, derivedSessions: Bool = false, sessionBonus: Double = 0
    ) throws -> Result {
        let requests = trace.requests.prefix(limit ?? trace.requests.count)
        let blockCount = capacityTokens / blockSize
        let oracle: BeladyOraclePolicy? =
            Self.oracleNames.contains(policyName)
            ? BeladyOraclePolicy(blockCount: blockCount, allowsHoles: policyName == "oracle") : nil
        let policy: any EvictionPolicy
        if let oracle {
            policy = oracle
        } else if policyName == PolicyKind.asym.rawValue {
            policy = AsymPolicy(
                blockCount: blockCount, blockSize: blockSize, costModel: costModel, allowsHoles: true, sessionBonus: sessionBonus)
        } else if let kind = PolicyKind(rawValue: policyName) {
            policy = kind.makePolicy(blockCount: blockCount, blockSize: blockSize, costModel: costModel)
        } else {
            throw ReplayError.unknownPolicy(policyName)
        }
        let manager = KVCacheManager(blockCount: blockCount, blockSize: blockSize, policy: policy, costModel: costModel)
        manager.checksEveryMutation = false
        let nextUse = oracle == nil ? [] : Self.nextUses(Array(requests))
        let start = Date()
        var result = Result(policy: policyName, capacityTokens: capacityTokens)
        for (r, request) in requests.enumerated() {
            let tokens = synthesizer.prompt(for: request)
            let now = request.arrivalSeconds
            result.requests += 1
            result.promptTokens += tokens.count
            let full = costModel.rebuildTime([0..<tokens.count])
            result.fullComputeMs += full
            let id = RequestID(UInt64(r))
            let admission: Admission
            do {
                let hints = RequestHints(sessionID: derivedSessions ? request.hash_ids.first.map { SessionID(UInt64($0)) } : nil)
                admission = try manager.admit(id, tokens: tokens, hints: hints, now: now)
            } catch KVCacheError.outOfBlocks {
                result.oversizeRequests += 1
                result.rebuildMs += full
                result.suffixTokens += tokens.count
                continue
            }
            let lookup = admission.lookup
            result.hitTokens += lookup.hitTokenCount
            result.holeTokens += lookup.holeTokenCount
            result.suffixTokens += lookup.suffixTokenCount
            result.rebuildMs += costModel.rebuildTime(lookup.segmentsToCompute)
            if let oracle {
                for (j, b) in admission.blockTable.enumerated() {
                    oracle.setNextUse(b, nextUse[r][j * blockSize / MooncakeTrace.hashBlockTokens])
                }
            }
            try manager.commit(id, blocks: 0..<admission.blockTable.count, now: now)
            try manager.release(id, now: now)
        }
        result.stats = manager.stats
        result.wallSeconds = Date().timeIntervalSince(start)
        return result
    }

    /// For request r and its d-th hash id, the index of the next request using that id.
    static func nextUses(_ requests: [MooncakeTrace.Request]) -> [[Int]] {
        var seen: [Int: Int] = [:]
        var out = [[Int]](repeating: [], count: requests.count)
        for r in stride(from: requests.count - 1, through: 0, by: -1) {
            out[r] = requests[r].hash_ids.map { seen[$0] ?? Int.max }
            for id in requests[r].hash_ids { seen[id] = r }
        }
        return out
    }
}

public enum ReplayError: Error, Equatable, Sendable {
    case unknownPolicy(String)
}
