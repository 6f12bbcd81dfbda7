import Synchronization

/// The BPE model of a byte-level tokenizer: vocabulary, merge ranks and a word cache.
///
/// Works on raw bytes: vocabulary strings are mapped back through `ByteLevelAlphabet`, so a word is
/// first one symbol per byte, then merged pairwise by increasing merge rank (leftmost first among
/// equal ranks), exactly as Hugging Face `tokenizers` (`models/bpe/word.rs`) does.
final class BytePairModel: Sendable {
    /// Token ids by the raw bytes they stand for (entries outside the byte alphabet are absent).
    let idForBytes: [[UInt8]: Int32]
    /// `symbolForByte[b]` is the id of the single-byte token for byte `b`, if the vocabulary has it.
    let symbolForByte: [Int32?]
    /// Merge of the pair `(left, right)`, keyed by `pairKey(left, right)`: its rank and result id.
    let merges: [UInt64: Merge]
    /// When true, a word that is itself in the vocabulary is emitted whole (Llama-3's `ignore_merges`).
    let ignoreMerges: Bool
    /// The id used for bytes with no vocabulary symbol; such bytes are dropped when nil.
    let unknownID: Int32?

    struct Merge: Sendable {
        var rank: Int32
        var result: Int32
    }

    private let cache = Mutex<[[UInt8]: [Int32]]>([:])
    private static let cacheLimit = 200_000
    private static let cachedWordLengthLimit = 64

    init(idForBytes: [[UInt8]: Int32], merges: [UInt64: Merge], ignoreMerges: Bool, unknownID: Int32?) {
        self.idForBytes = idForBytes
        self.symbolForByte = (0..<256).map { idForBytes[[UInt8($0)]] }
        self.merges = merges
        self.ignoreMerges = ignoreMerges
        self.unknownID = unknownID
    }

    static func pairKey(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    /// Appends the token ids of one pre-tokenized word to `output`.
    func encode(word: ArraySlice<UInt8>, into output: inout [Int32]) {
        if word.count <= Self.cachedWordLengthLimit {
            let key = Array(word)
            if let hit = cache.withLock({ $0[key] }) {
                output.append(contentsOf: hit)
                return
            }
            let ids = encodeUncached(word)
            cache.withLock { cache in
                if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
                cache[key] = ids
            }
            output.append(contentsOf: ids)
        } else {
            output.append(contentsOf: encodeUncached(word))
        }
    }

    private func encodeUncached(_ word: ArraySlice<UInt8>) -> [Int32] {
        if ignoreMerges, let id = idForBytes[Array(word)] { return [id] }
        return mergeWithHeap(initialSymbols(word))
    }

    /// One symbol per byte (unknown bytes become `unknownID` or are dropped).
    func initialSymbols(_ word: ArraySlice<UInt8>) -> [Int32] {
        var symbols: [Int32] = []
        symbols.reserveCapacity(word.count)
        for byte in word {
            if let id = symbolForByte[Int(byte)] {
                symbols.append(id)
            } else if let unknownID {
                symbols.append(unknownID)
            }
        }
        return symbols
    }

    /// Merges `symbols` with a min-heap of (rank, position) candidates and lazy deletion:
    /// a popped candidate is skipped unless its pair still exists with the recorded rank.
    func mergeWithHeap(_ symbols: [Int32]) -> [Int32] {
        let count = symbols.count
        guard count > 1 else { return symbols }
        var ids = symbols
        var next = Array(1...count)  // `count` means "no next symbol"
        var previous = Array(-1..<(count - 1))  // -1 means "no previous symbol"
        var alive = [Bool](repeating: true, count: count)
        var heap = MinHeap()
        func push(_ position: Int) {
            let right = next[position]
            guard right < count, let merge = merges[Self.pairKey(ids[position], ids[right])] else { return }
            heap.insert(UInt64(UInt32(merge.rank)) << 32 | UInt64(position))
        }
        for position in 0..<(count - 1) { push(position) }
        while let top = heap.popMin() {
            let rank = Int32(truncatingIfNeeded: top >> 32)
            let position = Int(top & 0xFFFF_FFFF)
            guard alive[position], next[position] < count else { continue }
            let right = next[position]
            guard let merge = merges[Self.pairKey(ids[position], ids[right])], merge.rank == rank else { continue }
            ids[position] = merge.result
            alive[right] = false
            next[position] = next[right]
            if next[right] < count { previous[next[right]] = position }
            if previous[position] >= 0 { push(previous[position]) }
            push(position)
        }
        var result: [Int32] = []
        var position = 0
        while position < count {
            result.append(ids[position])
            position = next[position]
        }
        return result
    }

    /// The naive twin of `mergeWithHeap`: repeatedly merge the lowest-ranked, leftmost pair.
    func mergeNaively(_ symbols: [Int32]) -> [Int32] {
        var ids = symbols
        while ids.count > 1 {
            var best: (index: Int, merge: Merge)?
            for index in 0..<(ids.count - 1) {
                guard let merge = merges[Self.pairKey(ids[index], ids[index + 1])] else { continue }
                if best == nil || merge.rank < best!.merge.rank { best = (index, merge) }
            }
            guard let best else { break }
            ids[best.index] = best.merge.result
            ids.remove(at: best.index + 1)
        }
        return ids
    }
}

/// A binary min-heap of packed `(rank << 32 | position)` keys.
private struct MinHeap {
    private var storage: [UInt64] = []

    mutating func insert(_ key: UInt64) {
        storage.append(key)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard storage[child] < storage[parent] else { break }
            storage.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popMin() -> UInt64? {
        guard let last = storage.popLast() else { return nil }
        guard !storage.isEmpty else { return last }
        let minimum = storage[0]
        storage[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < storage.count else { break }
            let right = left + 1
            let smaller = right < storage.count && storage[right] < storage[left] ? right : left
            guard storage[smaller] < storage[parent] else { break }
            storage.swapAt(smaller, parent)
            parent = smaller
        }
        return minimum
    }
}
