import AsymEngine

/// `GET /health`: the engine's queues and KV pool. `kv_used_blocks` counts blocks held by
/// running requests (cached, evictable blocks are not "used").
public struct HealthReport: Codable, Sendable, Equatable {
    public var status = "ok"
    public var running: Int
    public var waiting: Int
    public var kvUsedBlocks: Int
    public var kvTotalBlocks: Int
    public var finishedRequests: Int

    enum CodingKeys: String, CodingKey {
        case status, running, waiting
        case kvUsedBlocks = "kv_used_blocks", kvTotalBlocks = "kv_total_blocks", finishedRequests = "finished_requests"
    }

    public init(_ stats: EngineStats) {
        running = stats.runningCount
        waiting = stats.waitingCount
        kvUsedBlocks = stats.usedBlocks
        kvTotalBlocks = stats.totalBlocks
        finishedRequests = stats.finishedRequests
    }
}
