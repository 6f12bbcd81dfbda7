/// Eviction priority: smaller is evicted first; `tieBreak` orders equal primaries.
public struct EvictionKey: Comparable, Sendable {
    public var primary: Double
    public var tieBreak: Int64
    @inlinable public init(_ primary: Double, tieBreak: Int64 = 0) {
        self.primary = primary
        self.tieBreak = tieBreak
    }
    @inlinable public static func < (a: EvictionKey, b: EvictionKey) -> Bool {
        a.primary < b.primary || (a.primary == b.primary && a.tieBreak < b.tieBreak)
    }
}

/// Binary min-heap of block indices `0 ..< capacity` keyed by `EvictionKey`, with O(log n)
/// insert, remove-any and update, and O(1) membership, through a position table.
public struct IndexedMinHeap: Sendable {
    private var items: [Int32] = []
    private var keys: [EvictionKey] = []
    /// position[i] is the heap slot of item i, or -1 when absent (private encoding).
    private var position: [Int32]

    public init(capacity: Int) { position = [Int32](repeating: -1, count: capacity) }

    public var count: Int { items.count }
    public var isEmpty: Bool { items.isEmpty }
    @inlinable public func contains(_ item: Int) -> Bool { _contains(item) }
    @usableFromInline func _contains(_ item: Int) -> Bool { position[item] >= 0 }
    public func key(of item: Int) -> EvictionKey? { position[item] >= 0 ? keys[Int(position[item])] : nil }
    public var min: (item: Int, key: EvictionKey)? { items.isEmpty ? nil : (Int(items[0]), keys[0]) }

    /// Inserts `item`, or changes its key when present.
    public mutating func set(_ item: Int, key: EvictionKey) {
        let p = Int(position[item])
        if p >= 0 {
            let old = keys[p]
            keys[p] = key
            if key < old { siftUp(p) } else { siftDown(p) }
        } else {
            items.append(Int32(item))
            keys.append(key)
            position[item] = Int32(items.count - 1)
            siftUp(items.count - 1)
        }
    }

    public mutating func remove(_ item: Int) {
        let p = Int(position[item])
        guard p >= 0 else { return }
        let last = items.count - 1
        swapSlots(p, last)
        items.removeLast()
        keys.removeLast()
        position[item] = -1
        if p < items.count {
            siftDown(p)
            siftUp(p)
        }
    }

    public mutating func popMin() -> (item: Int, key: EvictionKey)? {
        guard let top = min else { return nil }
        remove(top.item)
        return top
    }

    private mutating func swapSlots(_ a: Int, _ b: Int) {
        guard a != b else { return }
        items.swapAt(a, b)
        keys.swapAt(a, b)
        position[Int(items[a])] = Int32(a)
        position[Int(items[b])] = Int32(b)
    }

    private mutating func siftUp(_ start: Int) {
        var i = start
        while i > 0 {
            let parent = (i - 1) / 2
            guard keys[i] < keys[parent] else { return }
            swapSlots(i, parent)
            i = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        let n = items.count
        while true {
            let l = 2 * i + 1
            guard l < n else { return }
            let r = l + 1
            let child = (r < n && keys[r] < keys[l]) ? r : l
            guard keys[child] < keys[i] else { return }
            swapSlots(i, child)
            i = child
        }
    }
}
