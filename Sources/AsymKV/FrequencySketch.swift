/// Approximate use counts of block hashes in fixed memory: a count-min sketch (4 rows,
/// periodic halving as in TinyLFU) laid out so that the 4 counters of a key share one 64-byte
/// line, one cache miss per operation. It remembers how often a prefix was used long after its
/// blocks were evicted, so a rebuilt block keeps its frequency: the manager counts uses of a
/// resident block exactly and writes the count here only when the block loses its content.
/// Counts saturate at 255; estimates never undercount between halvings.
struct FrequencySketch {
    /// Lines of 64 counters; row r of a key uses counter `r * 16 + (4 bits of its hash)`.
    private var counters: [UInt8]
    private let lineShift: UInt64
    private var additions = 0
    private let halvingPeriod: Int

    /// About `width` counters per row (rounded up to a power of two, at least 64).
    init(width: Int) {
        var lines = 16
        while lines * 16 < width { lines <<= 1 }
        counters = [UInt8](repeating: 0, count: lines * 64)
        lineShift = UInt64(64 - lines.trailingZeroBitCount)
        halvingPeriod = 10 * lines * 16
    }

    /// The 4 counter indices of `hash`.
    @inline(__always) private func slots(_ hash: UInt64) -> (Int, Int, Int, Int) {
        var z = hash ^ (hash >> 31)
        z = z &* 0xBF58_476D_1CE4_E5B9
        z ^= z >> 29
        let line = Int(truncatingIfNeeded: (z &* 0x94D0_49BB_1331_11EB) >> lineShift) * 64
        let r = Int(truncatingIfNeeded: z)
        return (line + (r & 15), line + 16 + ((r >> 4) & 15), line + 32 + ((r >> 8) & 15), line + 48 + ((r >> 12) & 15))
    }

    func estimate(_ hash: BlockHash) -> Int {
        let s = slots(hash.rawValue)
        return Int(min(min(counters[s.0], counters[s.1]), min(counters[s.2], counters[s.3])))
    }

    /// Loads the line of every hash (independent loads, so their cache misses overlap) ahead of
    /// dependent work. Returns a value only so that the loads are kept.
    func touch(_ hashes: UnsafeBufferPointer<BlockHash>) -> UInt32 {
        counters.withUnsafeBufferPointer { c in
            var sink: UInt32 = 0
            for h in hashes {
                // A key's 64 counters may straddle two cache lines: load both ends.
                let s = slots(h.rawValue)
                sink &+= UInt32(c[s.0]) &+ UInt32(c[s.3])
            }
            return sink
        }
    }

    /// Remembers that `hash` was used `count` times (at least), e.g. when its block is
    /// evicted: each of its counters rises to `count` if lower (saturating at 255). Every
    /// `halvingPeriod` calls all counters halve, so old counts fade (TinyLFU aging).
    mutating func remember(_ hash: BlockHash, count: Int) {
        let s = slots(hash.rawValue)
        let c = UInt8(clamping: count)
        counters[s.0] = max(counters[s.0], c)
        counters[s.1] = max(counters[s.1], c)
        counters[s.2] = max(counters[s.2], c)
        counters[s.3] = max(counters[s.3], c)
        additions += 1
        if additions >= halvingPeriod {
            additions = 0
            for i in counters.indices { counters[i] >>= 1 }
        }
    }
}
