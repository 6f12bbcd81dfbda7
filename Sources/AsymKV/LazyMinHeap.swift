#if canImport(Glibc)
    import Glibc
#endif

/// Min-heap of block indices `0 ..< capacity` keyed by `EvictionKey`, with O(1) removal.
///
/// `remove` and re-keying only retire the item's current entry (its stamp no longer matches);
/// a retired entry stays in the heap until it reaches the top, where `popMin` drops it.
/// When retired entries outnumber live ones the heap is rebuilt from the live ones, so memory
/// stays O(count) and every operation is amortized O(log n). Equal keys pop lowest item first.
///
/// Hits take many blocks out of the eviction order at once and release puts them back; this
/// makes the first O(1) instead of a sift through the heap per block. New entries are appended
/// unordered and put in heap order only when the minimum is needed: one by one when few, by
/// one linear rebuild when a release added many.
struct LazyMinHeap {
    private struct Entry {
        var key: EvictionKey
        var item: Int32
        var stamp: UInt32

        @inline(__always) static func < (a: Entry, b: Entry) -> Bool {
            a.key < b.key || (a.key == b.key && a.item < b.item)
        }
    }

    /// `entries[..<ordered]` is a heap; the rest were pushed since and are not yet placed.
    private var entries: [Entry] = []
    private var ordered = 0
    /// Each item's stamp, bumped whenever it enters or leaves the heap or its entry is retired:
    /// odd exactly while the item is a member, and then equal to its live entry's stamp.
    private var stampOf: [UInt32]
    /// Live items.
    private(set) var count = 0

    init(capacity: Int) {
        stampOf = [UInt32](repeating: 0, count: capacity)
        // Compaction keeps at most 2·count + 64 entries: reserve them all up front, so a push
        // never reallocates (untouched capacity costs no physical memory).
        entries.reserveCapacity(2 * capacity + 65)
        Self.adviseHugePages(&entries)
    }

    /// Asks for 2 MiB pages over the reserved capacity (see `HugePages`): a growing heap
    /// otherwise takes a page fault every 170 entries (a 32K-token release: 12 faults).
    private static func adviseHugePages(_ entries: inout [Entry]) {
        #if os(Linux)
            let bytes = entries.capacity * MemoryLayout<Entry>.stride
            guard bytes >= 4 * HugePages.pageSize else { return }
            entries.append(Entry(key: EvictionKey(0), item: 0, stamp: 0))  // an element, so the base address is the buffer's
            defer { entries.removeAll(keepingCapacity: true) }
            let base = entries.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress!) }
            let page = HugePages.pageSize
            let start = (base + page - 1) / page * page, end = (base + bytes) / page * page
            guard end > start, let p = UnsafeMutableRawPointer(bitPattern: start) else { return }
            _ = madvise(p, end - start, 14)  // MADV_HUGEPAGE: later faults may use huge pages
        #endif
    }

    var isEmpty: Bool { count == 0 }
    /// Heap entries, live and retired (for tests).
    var entryCount: Int { entries.count }
    func contains(_ item: Int) -> Bool { stampOf[item] & 1 == 1 }

    /// Inserts `item`, or changes its key when present.
    mutating func set(_ item: Int, key: EvictionKey) {
        if stampOf[item] & 1 == 1 {
            stampOf[item] &+= 2  // retire the old entry, stay a member
        } else {
            stampOf[item] &+= 1
            count += 1
        }
        entries.append(Entry(key: key, item: Int32(item), stamp: stampOf[item]))
        compactIfSparse()
    }

    mutating func remove(_ item: Int) {
        guard stampOf[item] & 1 == 1 else { return }
        stampOf[item] &+= 1
        count -= 1
        compactIfSparse()
    }

    /// For each `j` in `0 ..< n`, in order: `set(item(j), key: k)` when `key(j)` is a key `k`,
    /// else `remove(item(j))`; with one uniqueness check per array instead of one per item.
    /// The heap ends as after the `n` single calls, except that retired entries are compacted
    /// once at the end, which changes no pop order (pops follow the order of key, then item).
    @inline(__always)
    mutating func update(_ n: Int, item: (Int) -> Int, key: (Int) -> EvictionKey?) {
        guard n > 0 else { return }
        let base = entries.count
        // Room for n entries (within the reserved capacity: no reallocation), then filled in
        // place and trimmed to the ones written.
        entries.append(contentsOf: repeatElement(Entry(key: EvictionKey(0), item: 0, stamp: 0), count: n))
        var live = count
        var written = 0
        entries.withUnsafeMutableBufferPointer { out in
            stampOf.withUnsafeMutableBufferPointer { stamps in
                for j in 0..<n {
                    let i = item(j)
                    precondition(i >= 0 && i < stamps.count, "item out of range")
                    let old = stamps[i]
                    guard let k = key(j) else {
                        stamps[i] = old &+ (old & 1)  // leaves if a member
                        live &-= Int(old & 1)
                        continue
                    }
                    // A member's old entry is retired (+2, stays odd); a newcomer joins (+1).
                    let stamp = old &+ 1 &+ (old & 1)
                    live &+= Int(1 &- (old & 1))
                    stamps[i] = stamp
                    out[base + written] = Entry(key: k, item: Int32(truncatingIfNeeded: i), stamp: stamp)
                    written += 1
                }
            }
        }
        entries.removeLast(n - written)
        count = live
        compactIfSparse()
    }

    /// `remove(item)` for each item, with one uniqueness check for the whole batch; compacts
    /// once at the end (no change of pop order, see `setEach`).
    mutating func remove<S: Sequence<Int>>(contentsOf items: S) {
        var live = count
        stampOf.withUnsafeMutableBufferPointer { stamps in
            for i in items {
                precondition(i >= 0 && i < stamps.count, "item out of range")
                let old = stamps[i]
                stamps[i] = old &+ (old & 1)
                live &-= Int(old & 1)
            }
        }
        count = live
        compactIfSparse()
    }

    /// The live item with the smallest key, removed.
    mutating func popMin() -> (item: Int, key: EvictionKey)? {
        placePending()
        while let top = entries.first {
            popTop()
            let i = Int(top.item)
            guard stampOf[i] == top.stamp else { continue }
            stampOf[i] &+= 1
            count -= 1
            return (i, top.key)
        }
        return nil
    }

    /// Puts the entries pushed since the last call in heap order: sifts each up when they are
    /// few, else rebuilds the whole heap (linear), which is cheaper than that many sifts.
    private mutating func placePending() {
        let pending = entries.count - ordered
        guard pending > 0 else { return }
        if pending * 8 < ordered {
            for i in ordered..<entries.count { siftUp(i) }
        } else {
            heapify()
        }
        ordered = entries.count
    }

    /// Rebuilds the heap from its live entries when retired ones are the majority.
    private mutating func compactIfSparse() {
        guard entries.count > 2 * count + 64 else { return }
        let stamps = stampOf
        entries.removeAll { stamps[Int($0.item)] != $0.stamp }
        ordered = 0  // heap order is restored when a minimum is needed (`placePending`)
    }

    private mutating func heapify() {
        var i = entries.count / 2 - 1
        while i >= 0 {
            siftDown(i)
            i -= 1
        }
    }

    private mutating func siftUp(_ start: Int) {
        entries.withUnsafeMutableBufferPointer { h in
            let e = h[start]
            var i = start
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
        ordered = entries.count
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
