/// Min-heap of block indices `0 ..< capacity` keyed by `EvictionKey`, with O(1) removal.
///
/// `remove` and re-keying only retire the item's current entry (its stamp no longer matches);
/// a retired entry stays in the heap until it reaches the top, where `popMin` drops it.
/// When retired entries outnumber live ones the heap is rebuilt from the live ones, so memory
/// stays O(count) and every operation is amortized O(log n). Equal keys pop lowest item first.
///
/// Hits take many blocks out of the eviction order at once and release puts them back; this
/// makes the first O(1) instead of a sift through the heap per block.
struct LazyMinHeap {
    private struct Entry {
        var key: EvictionKey
        var item: Int32
        var stamp: UInt32

        @inline(__always) static func < (a: Entry, b: Entry) -> Bool {
            a.key < b.key || (a.key == b.key && a.item < b.item)
        }
    }

    private var entries: [Entry] = []
    /// The stamp of each item's live entry; bumped whenever that entry is retired.
    private var stampOf: [UInt32]
    private var isMember: [Bool]
    /// Live items.
    private(set) var count = 0

    init(capacity: Int) {
        stampOf = [UInt32](repeating: 0, count: capacity)
        isMember = [Bool](repeating: false, count: capacity)
        // Compaction keeps at most 2·count + 64 entries: reserve them all up front, so a push
        // never reallocates (untouched capacity costs no physical memory).
        entries.reserveCapacity(2 * capacity + 65)
    }

    var isEmpty: Bool { count == 0 }
    /// Heap entries, live and retired (for tests).
    var entryCount: Int { entries.count }
    func contains(_ item: Int) -> Bool { isMember[item] }

    /// Inserts `item`, or changes its key when present.
    mutating func set(_ item: Int, key: EvictionKey) {
        if isMember[item] {
            stampOf[item] &+= 1
        } else {
            isMember[item] = true
            count += 1
        }
        push(Entry(key: key, item: Int32(item), stamp: stampOf[item]))
        compactIfSparse()
    }

    mutating func remove(_ item: Int) {
        guard isMember[item] else { return }
        isMember[item] = false
        stampOf[item] &+= 1
        count -= 1
        compactIfSparse()
    }

    /// The live item with the smallest key, removed.
    mutating func popMin() -> (item: Int, key: EvictionKey)? {
        while let top = entries.first {
            popTop()
            let i = Int(top.item)
            guard isMember[i] && stampOf[i] == top.stamp else { continue }
            isMember[i] = false
            stampOf[i] &+= 1
            count -= 1
            return (i, top.key)
        }
        return nil
    }

    /// Rebuilds the heap from its live entries when retired ones are the majority.
    private mutating func compactIfSparse() {
        guard entries.count > 2 * count + 64 else { return }
        let (member, stamps) = (isMember, stampOf)
        entries.removeAll { !member[Int($0.item)] || stamps[Int($0.item)] != $0.stamp }
        var i = entries.count / 2 - 1
        while i >= 0 {
            siftDown(i)
            i -= 1
        }
    }

    private mutating func push(_ e: Entry) {
        entries.append(e)
        entries.withUnsafeMutableBufferPointer { h in
            var i = h.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard e < h[parent] else { break }
                h[i] = h[parent]
                i = parent
            }
            h[i] = e
        }
    }

    private mutating func popTop() {
        let last = entries.removeLast()
        guard !entries.isEmpty else { return }
        entries[0] = last
        siftDown(0)
    }

    private mutating func siftDown(_ start: Int) {
        entries.withUnsafeMutableBufferPointer { h in
            let n = h.count
            let e = h[start]
            var i = start
            while true {
                let l = 2 * i + 1
                guard l < n else { break }
                let r = l + 1
                let child = (r < n && h[r] < h[l]) ? r : l
                guard h[child] < e else { break }
                h[i] = h[child]
                i = child
            }
            h[i] = e
        }
    }
}
