/// Approximate use counts of block hashes in fixed memory: a count-min sketch (4 rows,
/// conservative update, periodic halving as in TinyLFU) laid out so that the 4 counters of a
/// key share one 64-byte line, one cache miss per operation. It remembers how often a prefix
/// was used long after its blocks were evicted, so a rebuilt block keeps its frequency.
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

    /// Counts one use (only the minimal counters grow). Returns the new estimate.
    @discardableResult
    mutating func increment(_ hash: BlockHash) -> Int {
        let s = slots(hash.rawValue)
        let current = min(min(counters[s.0], counters[s.1]), min(counters[s.2], counters[s.3]))
        guard current < UInt8.max else { return Int(current) }
        if counters[s.0] == current { counters[s.0] = current + 1 }
        if counters[s.1] == current { counters[s.1] = current + 1 }
        if counters[s.2] == current { counters[s.2] = current + 1 }
        if counters[s.3] == current { counters[s.3] = current + 1 }
        additions += 1
        if additions >= halvingPeriod {
            additions = 0
            for i in counters.indices { counters[i] >>= 1 }
        }
        return Int(current) + 1
    }
}
