/// The per-work-item loop of `Kernels.pagedAttention`: a tile of consecutive queries against one
/// KV head, for every query head of that KV head's group.
///
/// Per (query, head) state: running max m, running sum l, accumulator acc (headDim). For each KV
/// block intersecting the query's key range [lo, p], in ascending order:
/// scores s_j = dot(q, k_j) · scale (one SIMD8 accumulator, fixed lane sum, tail);
/// m' = max(m, max_j s_j); c = exp(m - m') (skipped when m' == m, where c would be exactly 1);
/// l = l·c; acc = acc·c; e_j = exp(s_j - m'); then for ascending j: l += e_j, acc += e_j · v_j.
/// Finally out = acc / l. Nothing in this sequence depends on other queries. An f16 cache's keys
/// and values of a block are first widened (exactly) into scratch, then read as f32.
struct PagedAttentionWorker {
    /// Most queries (at consecutive positions) sharing K/V loads in one work item.
    static let queryTileSize = 16

    let out: UnsafeMutablePointer<Float>  // (queryCount, headCount, headDim)
    let queries: UnsafePointer<Float>  // (queryCount, headCount, headDim)
    let positions: UnsafePointer<Int32>  // (queryCount)
    let keyCache: UnsafeRawPointer  // (slotCount, kvHeadCount, headDim) of elementType
    let valueCache: UnsafeRawPointer  // (slotCount, kvHeadCount, headDim) of elementType
    let elementType: KVElementType
    let blockTable: UnsafePointer<Int32>  // (logical blocks)
    let blockSize: Int
    let headCount: Int
    let kvHeadCount: Int
    let headDim: Int
    let scale: Float
    let slidingWindow: Int?

    private var groupSize: Int { headCount / kvHeadCount }
    private var mainDim: Int { headDim & ~7 }
    /// Score row length per head: blockSize rounded up to whole SIMD8 vectors.
    private var scoreStride: Int { (blockSize + 7) & ~7 }

    /// Key positions query `query` attends to.
    func keyRange(query: Int) -> ClosedRange<Int> {
        let position = Int(positions[query])
        precondition(position >= 0, "pagedAttention: negative position")
        let low = slidingWindow.map { max(0, position - $0 + 1) } ?? 0
        return low ... position
    }

    /// Computes out for queries `queryRange` (at most `queryTileSize`) and the heads of `kvHead`.
    func run(queries queryRange: Range<Int>, kvHead: Int) {
        let stateCount = queryRange.count * groupSize
        let widened = elementType == .f32 ? 0 : 2 * blockSize * headDim
        let scratchCount = stateCount * (headDim + 2) + groupSize * scoreStride + widened
        withUnsafeTemporaryAllocation(of: Float.self, capacity: scratchCount) { buffer in
            let accumulators = buffer.baseAddress!  // (tile, group, headDim)
            let maxima = accumulators + stateCount * headDim  // (tile, group)
            let sums = maxima + stateCount  // (tile, group)
            let scores = sums + stateCount  // (group, scoreStride)
            let widenedKeys = scores + groupSize * scoreStride  // (blockSize, headDim) when f16
            let widenedValues = widenedKeys + widened / 2  // (blockSize, headDim) when f16
            buffer.initialize(repeating: 0)
            maxima.update(repeating: -.infinity, count: stateCount)

            var firstBlock = Int.max, lastBlock = Int.min
            for query in queryRange {
                let keys = keyRange(query: query)
                firstBlock = min(firstBlock, keys.lowerBound / blockSize)
                lastBlock = max(lastBlock, keys.upperBound / blockSize)
            }
            for block in firstBlock ... lastBlock {
                let blockStart = block * blockSize
                for query in queryRange {
                    let keys = keyRange(query: query)
                    let from = max(keys.lowerBound, blockStart)
                    let to = min(keys.upperBound, blockStart + blockSize - 1)
                    if from > to { continue }
                    let firstSlot = Int(blockTable[block]) * blockSize + (from - blockStart)
                    let state = (query - queryRange.lowerBound) * groupSize
                    let keyCount = to - from + 1
                    let slotStride = kvHeadCount * headDim, first = firstSlot * slotStride + kvHead * headDim
                    let keyRows: UnsafePointer<Float>, valueRows: UnsafePointer<Float>, stride: Int
                    if elementType == .f32 {
                        keyRows = keyCache.assumingMemoryBound(to: Float.self) + first
                        valueRows = valueCache.assumingMemoryBound(to: Float.self) + first
                        stride = slotStride
                    } else {
                        for j in 0 ..< keyCount {
                            let offset = (first + j * slotStride) * elementType.byteCount
                            Kernels.convertRow(out: widenedKeys + j * headDim, source: keyCache + offset, type: .f16,
                                               count: headDim)
                            Kernels.convertRow(out: widenedValues + j * headDim, source: valueCache + offset,
                                               type: .f16, count: headDim)
                        }
                        (keyRows, valueRows, stride) = (UnsafePointer(widenedKeys), UnsafePointer(widenedValues), headDim)
                    }
                    attend(
                        query: query, kvHead: kvHead, keys: keyRows, values: valueRows, stride: stride, keyCount: keyCount,
                        accumulators: accumulators + state * headDim, maxima: maxima + state, sums: sums + state,
                        scores: scores)
                }
            }
            for query in queryRange {
                let state = (query - queryRange.lowerBound) * groupSize
                for g in 0 ..< groupSize {
                    let acc = accumulators + (state + g) * headDim
                    let o = out + (query * headCount + kvHead * groupSize + g) * headDim
                    let sum = sums[state + g]
                    var d = 0
                    while d < mainDim {
                        SIMDMath.store(SIMDMath.load(acc + d) / sum, o + d)
                        d &+= 8
                    }
                    while d < headDim {
                        o[d] = acc[d] / sum
                        d &+= 1
                    }
                }
            }
        }
    }

    /// Folds `keyCount` consecutive keys of one KV block into the state of every head of `query`'s
    /// group. Key j's vector starts at keys + j·stride, its value at values + j·stride.
    /// - accumulators: (group, headDim); maxima, sums: (group); scores: (group, scoreStride) scratch
    @inline(__always)
    private func attend(
        query: Int, kvHead: Int, keys firstKey: UnsafePointer<Float>, values firstValue: UnsafePointer<Float>,
        stride slotStride: Int, keyCount: Int, accumulators: UnsafeMutablePointer<Float>,
        maxima: UnsafeMutablePointer<Float>, sums: UnsafeMutablePointer<Float>, scores: UnsafeMutablePointer<Float>
    ) {
        let q = queries + (query * headCount + kvHead * groupSize) * headDim
        for j in 0 ..< keyCount {
            let k = firstKey + j * slotStride
            for g in 0 ..< groupSize {
                scores[g * scoreStride + j] = dot(q + g * headDim, k) * scale
            }
        }
        for g in 0 ..< groupSize {
            let s = scores + g * scoreStride
            var blockMax = s[0]
            for j in 1 ..< keyCount { blockMax = max(blockMax, s[j]) }
            let oldMax = maxima[g]
            let newMax = max(oldMax, blockMax)
            if newMax != oldMax {
                let correction = SIMDMath.exp(oldMax - newMax)
                sums[g] *= correction
                scaleInPlace(accumulators + g * headDim, by: correction)
                maxima[g] = newMax
            }
            var j = 0
            while j < keyCount {
                SIMDMath.store(SIMDMath.exp(SIMDMath.load(s + j) - newMax), s + j)
                j &+= 8
            }
        }
        // acc[d] += e_j · v_j[d] for ascending j, one SIMD8 of d held in a register across the block.
        for g in 0 ..< groupSize {
            let weights = scores + g * scoreStride
            var sum = sums[g]
            for j in 0 ..< keyCount { sum += weights[j] }
            sums[g] = sum
            let acc = accumulators + g * headDim
            var d = 0
            while d < mainDim {
                var a = SIMDMath.load(acc + d)
                for j in 0 ..< keyCount {
                    a = a + SIMDMath.load(firstValue + (j &* slotStride &+ d)) * weights[j]
                }
                SIMDMath.store(a, acc + d)
                d &+= 8
            }
            while d < headDim {
                var a = acc[d]
                for j in 0 ..< keyCount { a = a + firstValue[j &* slotStride &+ d] * weights[j] }
                acc[d] = a
                d &+= 1
            }
        }
    }

    /// Σ_d a[d]·b[d] over headDim: SIMD8 accumulator, fixed lane sum, then the tail.
    @inline(__always) private func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>) -> Float {
        var acc = SIMD8<Float>()
        var d = 0
        while d < mainDim {
            acc += SIMDMath.load(a + d) * SIMDMath.load(b + d)
            d &+= 8
        }
        var sum = SIMDMath.sum(acc)
        while d < headDim {
            sum += a[d] * b[d]
            d &+= 1
        }
        return sum
    }

    /// acc[d] = acc[d] · factor over headDim.
    @inline(__always) private func scaleInPlace(_ acc: UnsafeMutablePointer<Float>, by factor: Float) {
        var d = 0
        while d < mainDim {
            SIMDMath.store(SIMDMath.load(acc + d) * factor, acc + d)
            d &+= 8
        }
        while d < headDim {
            acc[d] *= factor
            d &+= 1
        }
    }
}
