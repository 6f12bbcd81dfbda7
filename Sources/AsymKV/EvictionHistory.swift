import DequeModule

/// Remembers the use count and origin of recently evicted blocks by hash (a bounded FIFO ghost
/// list), so a block rebuilt after eviction keeps its frequency instead of starting at 1.
struct EvictionHistory {
    struct Entry { var useCount: Int; var origin: BlockOrigin }
    private var entries: [UInt64: Entry] = [:]
    private var order: Deque<UInt64> = []
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func contains(_ hash: BlockHash) -> Bool { entries[hash.rawValue] != nil }

    mutating func remember(_ hash: BlockHash, _ entry: Entry) {
        guard capacity > 0 else { return }
        if entries.updateValue(entry, forKey: hash.rawValue) == nil { order.append(hash.rawValue) }
        while order.count > capacity, let old = order.popFirst() { entries[old] = nil }
    }

    /// Returns and forgets the entry for `hash`. (Its FIFO slot is dropped lazily.)
    mutating func take(_ hash: BlockHash) -> Entry? { entries.removeValue(forKey: hash.rawValue) }
}
