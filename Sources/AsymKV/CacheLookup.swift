import AsymCore

/// What a prompt must compute, from a read-only lookup.
///
/// `hits[i]` is the resident block holding tokens `i*blockSize ..< (i+1)*blockSize`, or nil.
/// `hits.count` = number of blocks that may hit = `(tokenCount − 1) / blockSize`: the block
/// holding the last prompt token is never taken from the cache, because its logits are needed.
/// With a prefix-closed policy every hit precedes every miss and `holes` is empty.
public struct CacheLookup: Sendable {
    public var tokenCount: Int
    public var blockSize: Int
    public var hits: [BlockID?]
    /// Chained hashes of the first `hashes.count` full blocks (at least every hit block).
    public var hashes: [BlockHash]
    /// Runs of missing blocks before the last hit, as absolute token ranges, ascending.
    public var holes: [Range<Int>]
    /// The uncached tail: from the end of the last hit block to `tokenCount`. Never empty.
    public var suffix: Range<Int>
    /// The manager state this lookup saw; `admit` redoes a stale lookup.
    var generation: UInt64

    public private(set) var hitBlockCount: Int
    public var hitTokenCount: Int { hitBlockCount * blockSize }
    public var holeTokenCount: Int { holes.reduce(0) { $0 + $1.count } }
    public var suffixTokenCount: Int { suffix.count }
    /// Holes then suffix: every position the prompt must compute, ascending.
    public var segmentsToCompute: [Range<Int>] { holes + [suffix] }

    /// Derives holes and suffix from per-block hits.
    init(tokenCount: Int, blockSize: Int, hits: [BlockID?], hashes: [BlockHash], generation: UInt64) {
        self.tokenCount = tokenCount
        self.blockSize = blockSize
        self.hits = hits
        self.hashes = hashes
        self.generation = generation
        // One pass: count hits, collect the runs of misses that a later hit closes.
        var hitCount = 0
        var lastHit = -1
        var holes: [Range<Int>] = []
        hits.withUnsafeBufferPointer { h in
            var runStart = -1  // first miss since the last hit, -1 when none
            for i in 0..<h.count {
                if h[i] == nil {
                    if runStart < 0 { runStart = i }
                } else {
                    if runStart >= 0 {
                        holes.append(runStart * blockSize ..< i * blockSize)
                        runStart = -1
                    }
                    hitCount += 1
                    lastHit = i
                }
            }
        }
        suffix = (lastHit + 1) * blockSize ..< tokenCount
        hitBlockCount = hitCount
        self.holes = holes
    }
}

/// The result of admitting a request.
public struct Admission: Sendable {
    /// One block per `blockSize` tokens of the prompt (the last may be partly filled).
    public var blockTable: [BlockID]
    public var lookup: CacheLookup
}

/// A conversation or agent job: the turns of one session extend each other's context.
public struct SessionID: Hashable, Sendable {
    public var rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
}

/// Hints a request may carry.
public struct RequestHints: Sendable {
    /// Keep the request's blocks until this time (caller's clock): they are evicted only after
    /// every other cached block, or once the time is up. For agents paused on a tool call.
    public var pinUntil: Double?
    /// The session the request is a turn of; the manager counts each session's turns and
    /// tells the policy (`BlockFacts.sessionTurns`) when the request's blocks become cached.
    public var sessionID: SessionID?
    public init(pinUntil: Double? = nil, sessionID: SessionID? = nil) {
        self.pinUntil = pinUntil
        self.sessionID = sessionID
    }
}

public enum KVCacheError: Error, Equatable, Sendable {
    /// Not enough free or evictable blocks; nothing was changed.
    case outOfBlocks(needed: Int, available: Int)
    case unknownRequest(RequestID)
    case duplicateRequest(RequestID)
    case invariantViolated(String)
}

/// Counters since the manager was created.
public struct KVCacheStats: Sendable, Equatable {
    public var lookups = 0
    public var admissions = 0
    public var hitTokens = 0
    public var holeTokens = 0
    public var suffixTokens = 0
    public var commits = 0
    /// Commits of a block whose content was already indexed under another block id.
    public var duplicateCommits = 0
    public var evictions = 0
    /// Cost-model rebuild time of every evicted block at its position, alone (ms).
    public var evictedRebuildMs = 0.0
    public init() {}
}
