import AsymCore
import AsymCost
import AsymKV

/// Micro-benchmarks of the cache manager on a large pool (no model): the per-request path
/// (lookup, admit, commit, release of a long prompt) and eviction cost per block per policy.
public struct KVBenchmark: Sendable {
    public var blockCount: Int
    public var blockSize: Int
    public var requestTokens: Int
    public var evictionBlocks: Int
    public var repetitions: Int

    public init(blockCount: Int = 1 << 20, blockSize: Int = 16, requestTokens: Int = 32_768,
                evictionBlocks: Int = 1_000, repetitions: Int = 20) {
        self.blockCount = blockCount
        self.blockSize = blockSize
        self.requestTokens = requestTokens
        self.evictionBlocks = evictionBlocks
        self.repetitions = repetitions
    }

    /// One measured figure: the median over repetitions, in microseconds.
    public struct Figure: Sendable {
        public var name: String
        public var microseconds: Double
    }

    static func randomTokens(_ count: Int, seed: UInt64) -> [TokenID] {
        var s = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            s ^= s << 13
            s ^= s >> 7
            s ^= s << 17
            return TokenID(truncatingIfNeeded: s % 128_000)
        }
    }

    static func microseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12
    }

    static func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

    /// Per-request path of one `requestTokens` prompt, cached (all hits) and cold (all misses).
    public func requestPath(policy: PolicyKind, costModel: CostModel) throws -> [Figure] {
        let manager = KVCacheManager(blockCount: blockCount, blockSize: blockSize, policy: policy, costModel: costModel)
        let clock = ContinuousClock()
        let warm = Self.randomTokens(requestTokens, seed: 1)
        try manager.admit(RequestID(0), tokens: warm, now: 0)
        try manager.commit(RequestID(0), blocks: 0..<Int.max, now: 0)
        try manager.release(RequestID(0), now: 0)
        var lookup: [Double] = [], admit: [Double] = [], release: [Double] = []
        var coldLookup: [Double] = [], coldAdmit: [Double] = [], coldCommit: [Double] = [], coldRelease: [Double] = []
        for r in 1...repetitions {
            let id = RequestID(UInt64(r))
            var l: CacheLookup!
            lookup.append(Self.microseconds(clock.measure { l = manager.lookup(tokens: warm) }))
            admit.append(Self.microseconds(try clock.measure { try manager.admit(id, tokens: warm, now: Double(r), lookup: l) }))
            release.append(Self.microseconds(try clock.measure { try manager.release(id, now: Double(r)) }))

            let cold = Self.randomTokens(requestTokens, seed: UInt64(1000 + r))
            let coldID = RequestID(UInt64(1000 + r))
            coldLookup.append(Self.microseconds(clock.measure { l = manager.lookup(tokens: cold) }))
            coldAdmit.append(Self.microseconds(try clock.measure { try manager.admit(coldID, tokens: cold, now: Double(r), lookup: l) }))
            coldCommit.append(Self.microseconds(try clock.measure { try manager.commit(coldID, blocks: 0..<Int.max, now: Double(r)) }))
            coldRelease.append(Self.microseconds(try clock.measure { try manager.release(coldID, now: Double(r)) }))
        }
        let k = requestTokens / 1024
        return [
            Figure(name: "\(policy.rawValue) cached \(k)K: lookup", microseconds: Self.median(lookup)),
            Figure(name: "\(policy.rawValue) cached \(k)K: admit (pin hits)", microseconds: Self.median(admit)),
            Figure(name: "\(policy.rawValue) cached \(k)K: release", microseconds: Self.median(release)),
            Figure(name: "\(policy.rawValue) cold \(k)K: lookup", microseconds: Self.median(coldLookup)),
            Figure(name: "\(policy.rawValue) cold \(k)K: admit (allocate)", microseconds: Self.median(coldAdmit)),
            Figure(name: "\(policy.rawValue) cold \(k)K: commit (hash + index)", microseconds: Self.median(coldCommit)),
            Figure(name: "\(policy.rawValue) cold \(k)K: release", microseconds: Self.median(coldRelease)),
        ]
    }

    /// Fills the pool with cached blocks, then times admissions that must evict
    /// `evictionBlocks` blocks each (lookup precomputed, so hashing is not timed).
    /// Returns the median time per evicted block.
    public func evictionPerBlock(policy: PolicyKind, costModel: CostModel) throws -> Figure {
        let manager = KVCacheManager(blockCount: blockCount, blockSize: blockSize, policy: policy, costModel: costModel)
        let perRequest = requestTokens / blockSize
        var r: UInt64 = 0
        while manager.freeBlockCount >= perRequest {
            let tokens = Self.randomTokens(requestTokens, seed: 77 + r)
            try manager.admit(RequestID(r), tokens: tokens, now: Double(r))
            try manager.commit(RequestID(r), blocks: 0..<Int.max, now: Double(r))
            try manager.release(RequestID(r), now: Double(r))
            r += 1
        }
        let clock = ContinuousClock()
        var perBlock: [Double] = []
        for k in 0..<repetitions {
            let tokens = Self.randomTokens(evictionBlocks * blockSize, seed: 9_000_000 + UInt64(k))
            let id = RequestID(1_000_000 + UInt64(k))
            let l = manager.lookup(tokens: tokens)
            let evictionsBefore = manager.stats.evictions
            let t = try clock.measure { try manager.admit(id, tokens: tokens, now: Double(r + UInt64(k)), lookup: l) }
            let evicted = manager.stats.evictions - evictionsBefore
            guard evicted > 0 else { throw KVCacheError.invariantViolated("no eviction happened") }
            perBlock.append(Self.microseconds(t) / Double(evicted))
            try manager.commit(id, blocks: 0..<Int.max, now: Double(r + UInt64(k)))
            try manager.release(id, now: Double(r + UInt64(k)))
        }
        return Figure(name: "\(policy.rawValue): eviction per block", microseconds: Self.median(perBlock))
    }
}
