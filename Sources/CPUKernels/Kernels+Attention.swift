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
        precondition(blockSize > 0 && headDim > 0 && kvHeadCount > 0, "pagedAttention: empty shape")
        precondition(headCount % kvHeadCount == 0, "pagedAttention: headCount must be a multiple of kvHeadCount")
        precondition(slidingWindow.map { $0 > 0 } ?? true, "pagedAttention: slidingWindow must be positive")
        if queryCount == 0 { return }
        let worker = PagedAttentionWorker(
            out: out, queries: queries, positions: positions, keyCache: keyCache, valueCache: valueCache,
            blockTable: blockTable, blockSize: blockSize, headCount: headCount, kvHeadCount: kvHeadCount,
            headDim: headDim, scale: scale, slidingWindow: slidingWindow)
        let tiles = queryTiles(positions: positions, queryCount: queryCount, maximumLength: PagedAttentionWorker.queryTileSize)
        let useC = VectorUnit.active == .avx512 && headDim % 16 == 0 && headDim <= 256
            && headCount / kvHeadCount <= 16
        // Single-query tiles (decode) take several KV heads per item so each slot is read as one
        // run, leaving one item per core; otherwise one KV head per item.
        let headsPerItem = useC && tiles.count == 1 && tiles[0].count == 1
            ? max(1, kvHeadCount / Parallel.coreCount) : 1
        let headGroups = stride(from: 0, to: kvHeadCount, by: headsPerItem).map { $0 ..< min($0 + headsPerItem, kvHeadCount) }
        let itemCount = tiles.count * headGroups.count
        var attendedKeys = 0
        for t in 0 ..< queryCount { attendedKeys += worker.keyRange(query: t).count }
        let work = attendedKeys * headCount * headDim
        let parallel = work >= 1 << 16 && itemCount > 1
        // Longest tiles first, each item claimed by whichever core is free: spread holes of
        // unequal length balance like a contiguous chunk. Order never changes an item's bits.
        let order = parallel
            ? tiles.indices.sorted { worker.keyRange(query: tiles[$0].upperBound - 1).count
                > worker.keyRange(query: tiles[$1].upperBound - 1).count }
            : Array(tiles.indices)
        let box = UnsafeTransfer(worker)
        Parallel.forEach(chunkCount: parallel ? itemCount : 1) { chunk in
            for slot in parallel ? chunk ..< chunk + 1 : 0 ..< itemCount {
                let tile = tiles[order[slot / headGroups.count]], heads = headGroups[slot % headGroups.count]
                if useC {
                    let w = box.value
                    ck_attention_item(
                        w.out, w.queries, w.positions, tile.lowerBound, tile.upperBound, w.keyCache, w.valueCache,
                        w.blockTable, w.blockSize, w.headCount, w.kvHeadCount, w.headDim, heads.lowerBound,
                        heads.upperBound, w.scale, w.slidingWindow ?? 0)
                } else {
                    for kvHead in heads { box.value.run(queries: tile, kvHead: kvHead) }
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
