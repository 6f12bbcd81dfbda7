import AsymCore

/// Open-addressing map from `BlockHash` to `BlockID` (linear probing, backward-shift deletion).
/// The keys are already well-mixed 64-bit hashes, so the low bits pick the slot directly.
/// Capacity is a power of two at least twice the number of blocks, so probes stay short.
/// A key and its value share one 16-byte slot, so a probe touches one cache line.
struct BlockHashIndex {
    struct Slot {
        var key: UInt64 = 0
        /// 0 marks an empty slot; a stored value is `blockID + 1`.
        var value: UInt32 = 0
    }
    private var slots: [Slot]
    private let mask: Int
    private(set) var count = 0

    init(maxCount: Int) {
        var capacity = 16
        while capacity < 2 * maxCount { capacity <<= 1 }
        slots = [Slot](repeating: Slot(), count: capacity)
        HugePages.advise(&slots)
        mask = capacity - 1
    }

    func block(for hash: BlockHash) -> BlockID? {
        var i = Int(truncatingIfNeeded: hash.rawValue) & mask
        while slots[i].value != 0 {
            if slots[i].key == hash.rawValue { return BlockID(Int32(slots[i].value - 1)) }
            i = (i + 1) & mask
        }
        return nil
    }

    /// The block in the slot where a probe for `hash` starts, whatever its key: the likely
    /// answer, read ahead of the probe so that its cache misses overlap with others.
    @inline(__always) func blockInHomeSlot(of hash: BlockHash) -> BlockID? {
        let v = slots[Int(truncatingIfNeeded: hash.rawValue) & mask].value
        return v == 0 ? nil : BlockID(Int32(v - 1))
    }

    /// Read-only probes over the slots without per-access bounds or uniqueness checks, for
    /// loops of many lookups. `body` must not keep the probe.
    func withProbe<R>(_ body: (Probe) throws -> R) rethrows -> R {
        try slots.withUnsafeBufferPointer { try body(Probe(slots: $0, mask: mask)) }
    }

    struct Probe {
        let slots: UnsafeBufferPointer<Slot>
        let mask: Int

        @inline(__always) func block(for hash: BlockHash) -> BlockID? {
            var i = Int(truncatingIfNeeded: hash.rawValue) & mask
            while true {
                let slot = slots[i]
                if slot.value == 0 { return nil }
                if slot.key == hash.rawValue { return BlockID(Int32(slot.value - 1)) }
                i = (i + 1) & mask
            }
        }

        /// See `BlockHashIndex.blockInHomeSlot`.
        @inline(__always) func blockInHomeSlot(of hash: BlockHash) -> BlockID? {
            let v = slots[Int(truncatingIfNeeded: hash.rawValue) & mask].value
            return v == 0 ? nil : BlockID(Int32(v - 1))
        }
    }

    /// Loads the home slot of every hash (independent loads, so their cache misses overlap)
    /// ahead of dependent probes. Returns a value only so that the loads are kept.
    func touch(_ hashes: UnsafeBufferPointer<BlockHash>) -> UInt32 {
        slots.withUnsafeBufferPointer { s in
            var sink: UInt32 = 0
            for h in hashes { sink ^= s[Int(truncatingIfNeeded: h.rawValue) & mask].value }
            return sink
        }
    }

    /// Maps `hash` to `block` unless `hash` is already present. Returns whether it inserted.
    mutating func insert(_ hash: BlockHash, _ block: BlockID) -> Bool {
        var i = Int(truncatingIfNeeded: hash.rawValue) & mask
        while slots[i].value != 0 {
            if slots[i].key == hash.rawValue { return false }
            i = (i + 1) & mask
        }
        slots[i] = Slot(key: hash.rawValue, value: UInt32(block.rawValue) + 1)
        count += 1
        return true
    }

    /// Removes `hash` if it maps to `block`.
    mutating func remove(_ hash: BlockHash, ifMappedTo block: BlockID) {
        var i = Int(truncatingIfNeeded: hash.rawValue) & mask
        while slots[i].value != 0 {
            if slots[i].key == hash.rawValue {
                guard slots[i].value == UInt32(block.rawValue) + 1 else { return }
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
            if slots[j].value == 0 { break }
            let home = Int(truncatingIfNeeded: slots[j].key) & mask
            // Move j into the hole if its home is not in the cyclic range (hole, j].
            let between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j)
            if !between {
                slots[hole] = slots[j]
                hole = j
            }
        }
        slots[hole] = Slot()
        count -= 1
    }
}
