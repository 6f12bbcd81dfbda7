import CKernels

/// Multi-segment paged causal attention for one sequence.
extension Kernels {
    /// Multi-segment paged causal attention for ONE sequence.
    /// - out: (queryCount, headCount, headDim)
    /// - queries: (queryCount, headCount, headDim), RoPE already applied
    /// - positions: (queryCount) absolute positions (any order, any gaps). Query t attends to every
    ///   key position j with lo(t) <= j <= positions[t], where lo = 0, or
    ///   positions[t] - slidingWindow + 1 if a window is given.
    /// - keyCache, valueCache: (slotCount, kvHeadCount, headDim) for one layer; position j lives in slot
    ///   blockTable[j / blockSize] * blockSize + j % blockSize. Every attended position is written.
    /// - blockTable: (at least max(positions) / blockSize + 1) physical block ids
    /// - Query head h reads KV head h / (headCount / kvHeadCount) (GQA).
    ///
    /// Each (query, head) walks its own key range block by block in ascending position with an
    /// online softmax rescaled once per KV block, so its bits do not depend on the other queries of
    /// the call. Work items are (tile, KV head), where a tile is a run of queries at consecutive
    /// positions (part of one segment); a tile shares K/V loads across its queries and the query
    /// heads of one KV head, never a reduction.
    public static func pagedAttention(
        out: UnsafeMutablePointer<Float>, queries: UnsafePointer<Float>, positions: UnsafePointer<Int32>,
        queryCount: Int, keyCache: UnsafePointer<Float>, valueCache: UnsafePointer<Float>,
        blockTable: UnsafePointer<Int32>, blockSize: Int, headCount: Int, kvHeadCount: Int, headDim: Int,
        scale: Float, slidingWindow: Int?
    ) {
        pagedAttention(
            sequences: [AttentionSequence(out: out, queries: queries, positions: positions, queryCount: queryCount,
                                          blockTable: blockTable)],
            keyCache: keyCache, valueCache: valueCache, blockSize: blockSize, headCount: headCount,
            kvHeadCount: kvHeadCount, headDim: headDim, scale: scale, slidingWindow: slidingWindow)
    }

    /// Paged attention for several sequences over an f32 cache (see the element-typed form).
    public static func pagedAttention(
        sequences: [AttentionSequence], keyCache: UnsafePointer<Float>, valueCache: UnsafePointer<Float>,
        blockSize: Int, headCount: Int, kvHeadCount: Int, headDim: Int, scale: Float, slidingWindow: Int?
    ) {
        pagedAttention(
            sequences: sequences, keyCache: UnsafeRawPointer(keyCache), valueCache: UnsafeRawPointer(valueCache),
            elementType: .f32, blockSize: blockSize, headCount: headCount, kvHeadCount: kvHeadCount,
            headDim: headDim, scale: scale, slidingWindow: slidingWindow)
    }

    /// Paged attention for several sequences in one dispatch: the work items of every sequence are
    /// pooled, so a batch of decodes keeps both cores busy without one dispatch per sequence. Each
    /// (query, head) does exactly the arithmetic of the single-sequence call.
    /// - keyCache, valueCache: (slotCount, kvHeadCount, headDim) elements of `elementType`; f16
    ///   elements are widened exactly, so the result equals the f32 cache holding the same values.
    public static func pagedAttention(
        sequences: [AttentionSequence], keyCache: UnsafeRawPointer, valueCache: UnsafeRawPointer,
        elementType: KVElementType, blockSize: Int, headCount: Int, kvHeadCount: Int, headDim: Int, scale: Float,
        slidingWindow: Int?
    ) {
        precondition(blockSize > 0 && headDim > 0 && kvHeadCount > 0, "pagedAttention: empty shape")
        precondition(headCount % kvHeadCount == 0, "pagedAttention: headCount must be a multiple of kvHeadCount")
        precondition(slidingWindow.map { $0 > 0 } ?? true, "pagedAttention: slidingWindow must be positive")
        let workers = sequences.map { s in
            PagedAttentionWorker(
                out: s.out, queries: s.queries, positions: s.positions, keyCache: keyCache, valueCache: valueCache,
                elementType: elementType, blockTable: s.blockTable, blockSize: blockSize, headCount: headCount, kvHeadCount: kvHeadCount,
                headDim: headDim, scale: scale, slidingWindow: slidingWindow)
        }
        let tiles = sequences.map { s in
            s.queryCount == 0 ? [] : queryTiles(positions: s.positions, queryCount: s.queryCount,
                                                 maximumLength: PagedAttentionWorker.queryTileSize)
        }
        let tileCount = tiles.reduce(0) { $0 + $1.count }
        guard tileCount > 0 else { return }
        let useC = VectorUnit.active == .avx512 && headDim % 16 == 0 && headDim <= 256
            && headCount / kvHeadCount <= 16
        // Single-query tiles (decode) read several KV heads per item, so each slot is read as one
        // run: one item per core for a lone decode, one item per sequence for a batch of them.
        let allSingle = tiles.allSatisfy { $0.allSatisfy { $0.count == 1 } }
        let headsPerItem = !useC || !allSingle ? 1
            : tileCount >= Parallel.coreCount ? kvHeadCount : max(1, kvHeadCount / Parallel.coreCount)
        let headGroups = stride(from: 0, to: kvHeadCount, by: headsPerItem).map { $0 ..< min($0 + headsPerItem, kvHeadCount) }
        var items: [(sequence: Int, tile: Range<Int>, keys: Int)] = []
        var attendedKeys = 0
        for (s, sequenceTiles) in tiles.enumerated() {
            for tile in sequenceTiles {
                let keys = workers[s].keyRange(query: tile.upperBound - 1).count
                items.append((s, tile, keys))
                for q in tile { attendedKeys += workers[s].keyRange(query: q).count }
            }
        }
        let itemCount = items.count * headGroups.count
        let parallel = attendedKeys * headCount * headDim >= 1 << 16 && itemCount > 1
        // Longest tiles first, each item claimed by whichever core is free: spread holes of
        // unequal length balance like a contiguous chunk. Order never changes an item's bits.
        if parallel { items.sort { $0.keys > $1.keys } }
        let box = UnsafeTransfer((workers, items))
        Parallel.forEach(chunkCount: parallel ? itemCount : 1) { chunk in
            for slot in parallel ? chunk ..< chunk + 1 : 0 ..< itemCount {
                let item = box.value.1[slot / headGroups.count], heads = headGroups[slot % headGroups.count]
                let w = box.value.0[item.sequence]
                if useC {
                    ck_attention_item(
                        w.out, w.queries, w.positions, item.tile.lowerBound, item.tile.upperBound, w.keyCache,
                        w.valueCache, w.elementType.kernelCode, w.blockTable, w.blockSize, w.headCount, w.kvHeadCount, w.headDim,
                        heads.lowerBound, heads.upperBound, w.scale, w.slidingWindow ?? 0)
                } else {
                    for kvHead in heads { w.run(queries: item.tile, kvHead: kvHead) }
                }
            }
        }
    }

    /// Cuts 0 ..< queryCount into runs of consecutive positions, at most `maximumLength` long.
    static func queryTiles(positions: UnsafePointer<Int32>, queryCount: Int, maximumLength: Int) -> [Range<Int>] {
        var tiles: [Range<Int>] = []
        var start = 0
        for index in 1 ... queryCount {
            let ends = index == queryCount || positions[index] != positions[index - 1] &+ 1
            if ends || index - start == maximumLength {
                tiles.append(start ..< index)
                start = index
            }
        }
        return tiles
    }
}

/// One sequence's part of a batched `pagedAttention` call (shapes as in the single-sequence form).
public struct AttentionSequence: @unchecked Sendable {
    public var out: UnsafeMutablePointer<Float>      // (queryCount, headCount, headDim)
    public var queries: UnsafePointer<Float>         // (queryCount, headCount, headDim)
    public var positions: UnsafePointer<Int32>       // (queryCount)
    public var queryCount: Int
    public var blockTable: UnsafePointer<Int32>      // the sequence's physical block ids
    public init(out: UnsafeMutablePointer<Float>, queries: UnsafePointer<Float>, positions: UnsafePointer<Int32>,
                queryCount: Int, blockTable: UnsafePointer<Int32>) {
        self.out = out
        self.queries = queries
        self.positions = positions
        self.queryCount = queryCount
        self.blockTable = blockTable
    }
}
