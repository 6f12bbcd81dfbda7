/// Approximate use counts of block hashes in fixed memory (a count-min sketch with periodic
/// halving, as in TinyLFU). It remembers how often a prefix was used long after its blocks
/// were evicted, so a block rebuilt after eviction keeps its frequency instead of restarting
/// at 1. Counts saturate at 255; estimates never undercount between halvings.
struct FrequencySketch {
    private var counters: [UInt8]
    private let rowMask: Int
    private let rowWidthLog2: Int
    private var additions = 0
    private let halvingPeriod: Int

    /// `width` counters per row (rounded up to a power of two), 4 rows.
    init(width: Int) {
        var log2 = 4
        while (1 << log2) < width { log2 += 1 }
        rowWidthLog2 = log2
        rowMask = (1 << log2) - 1
        counters = [UInt8](repeating: 0, count: 4 << log2)
        halvingPeriod = 10 << log2
    }

    private static let rowMultipliers: [UInt64] = [
        0x9E37_79B9_7F4A_7C15, 0xBF58_476D_1CE4_E5B9, 0x94D0_49BB_1331_11EB, 0xD6E8_FEB8_6659_FD93,
    ]

    /// Row `row`'s counter for `hash`: the top bits of an odd-multiplier product of a
    /// re-avalanched hash, so rows are independent of each other and of the index's low bits.
    @inline(__always) private func slot(_ hash: UInt64, row: Int) -> Int {
        var z = hash ^ (hash >> 31)
        z = z &* Self.rowMultipliers[row]
        z ^= z >> 29
        z = z &* Self.rowMultipliers[(row + 1) & 3]
        return (row << rowWidthLog2) | Int(truncatingIfNeeded: z >> UInt64(64 - rowWidthLog2))
    }

    func estimate(_ hash: BlockHash) -> Int {
        var m = UInt8.max
        for row in 0..<4 { m = min(m, counters[slot(hash.rawValue, row: row)]) }
        return Int(m)
    }

    /// Counts one use (conservative update: only the minimal counters grow). Returns the new estimate.
    @discardableResult
    mutating func increment(_ hash: BlockHash) -> Int {
        let current = estimate(hash)
        guard current < Int(UInt8.max) else { return current }
        for row in 0..<4 {
            let s = slot(hash.rawValue, row: row)
            if Int(counters[s]) == current { counters[s] += 1 }
        }
        additions += 1
        if additions >= halvingPeriod {
            additions = 0
            for i in counters.indices { counters[i] >>= 1 }
        }
        return current + 1
    }
}
