import AsymCore
import AsymCost
@testable import AsymKV

/// A cost model with round numbers: 1 ms per token, 0.001 ms per prefix token per segment,
/// 0.0001 ms per attended pair, 5 ms per pass.
let testCostModel = CostModel(coefficients: .init(constant: 5, perPrefix: 0.001, perToken: 1, perAttended: 0.0001))

/// Deterministic distinct tokens: `count` tokens of stream `stream`.
func tokens(_ stream: Int, _ count: Int, from start: Int = 0) -> [TokenID] {
    (start..<(start + count)).map { TokenID(stream * 100_000 + $0) }
}

func makeManager(_ kind: PolicyKind, blocks: Int, blockSize: Int = 4) -> KVCacheManager {
    KVCacheManager(blockCount: blocks, blockSize: blockSize, policy: kind, costModel: testCostModel)
}

extension KVCacheManager {
    /// Admit, commit every full block, release: leaves the prompt cached.
    func cache(_ id: UInt64, _ prompt: [TokenID], now: Double, hints: RequestHints = RequestHints()) throws {
        try admit(RequestID(id), tokens: prompt, hints: hints, now: now)
        try commit(RequestID(id), blocks: 0..<Int.max, now: now)
        try release(RequestID(id), now: now)
    }

    /// Indices of the prompt's blocks reported as hits.
    func hitIndices(_ prompt: [TokenID]) -> [Int] {
        lookup(tokens: prompt).hits.enumerated().compactMap { $0.element == nil ? nil : $0.offset }
    }
}
