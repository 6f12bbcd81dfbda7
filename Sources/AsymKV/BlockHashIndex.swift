import AsymCore

/// Open-addressing map from `BlockHash` to `BlockID` (linear probing, backward-shift deletion).
/// The keys are already well-mixed 64-bit hashes, so the low bits pick the slot directly.
/// Capacity is a power of two at least twice the number of blocks, so probes stay short.
struct BlockHashIndex {
    private var keys: [UInt64]
    /// 0 marks an empty slot; a stored value is `blockID + 1`.
    private var values: [UInt32]
    private let mask: Int
    private(set) var count = 0

    init(maxCount: Int) {
        var capacity = 16
        while capacity < 2 * maxCount { capacity <<= 1 }
        keys = [UInt64](repeating: 0, count: capacity)
        values = [UInt32](repeating: 0, count: capacity)
        mask = capacity - 1
    }

    func block(for hash: BlockHash) -> BlockID? {
        var i = Int(truncatingIfNeeded: hash.rawValue) & mask
        while values[i] != 0 {
            if keys[i] == hash.rawValue { return BlockID(Int32(values[i] - 1)) }
            i = (i + 1) & mask
        }
        return nil
    }

    /// Maps `hash` to `block` unless `hash` is already present. Returns whether it inserted.
    mutating func insert(_ hash: BlockHash, _ block: BlockID) -> Bool {
        var i = Int(truncatingIfNeeded: hash.rawValue) & mask
        while values[i] != 0 {
            if keys[i] == hash.rawValue { return false }
            i = (i + 1) & mask
        }
        keys[i] = hash.rawValue
        values[i] = UInt32(block.rawValue) + 1
        count += 1
        return true
    }

    /// Removes `hash` if it maps to `block`.
    mutating func remove(_ hash: BlockHash, ifMappedTo block: BlockID) {
        var i = Int(truncatingIfNeeded: hash.rawValue) & mask
        while values[i] != 0 {
            if keys[i] == hash.rawValue {
                guard values[i] == UInt32(block.rawValue) + 1 else { return }
                deleteSlot(i)
                return
            }
            i = (i + 1) & mask
        }
    }

    private mutating func deleteSlot(_ start: Int) {
        var hole = start
        var j = start
        while true {
            j = (j + 1) & mask
            if values[j] == 0 { break }
            let home = Int(truncatingIfNeeded: keys[j]) & mask
            // Move j into the hole if its home is not in the cyclic range (hole, j].
            let between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j)
            if !between {
                keys[hole] = keys[j]
                values[hole] = values[j]
                hole = j
            }
        }
        values[hole] = 0
        count -= 1
    }
}
