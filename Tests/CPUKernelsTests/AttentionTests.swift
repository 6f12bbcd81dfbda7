import CPUKernels
import Testing

/// Shapes for attention tests: (headCount, kvHeadCount, headDim, blockSize, slidingWindow).
struct AttentionShape: CustomStringConvertible, Sendable {
    let headCount: Int, kvHeadCount: Int, headDim: Int, blockSize: Int, slidingWindow: Int?
    var description: String {
        "heads \(headCount)/\(kvHeadCount) dim \(headDim) block \(blockSize) window \(slidingWindow.map(String.init) ?? "none")"
    }
}

/// A 300-token context in a paged cache whose block table is a random permutation of physical
/// blocks, plus one query vector per (position, head), so a position's query is the same in every call.
struct AttentionFixture {
    static let contextLength = 300
    let shape: AttentionShape
    let blockTable: [Int32]  // (logical blocks)
    var keyCache: [Float]  // (slotCount, kvHeadCount, headDim)
    var valueCache: [Float]  // (slotCount, kvHeadCount, headDim)
    let queryTable: [Float]  // (contextLength, headCount, headDim)

    init(_ shape: AttentionShape, seed: UInt64) {
        self.shape = shape
        let logicalBlocks = (Self.contextLength + shape.blockSize - 1) / shape.blockSize
        let physicalBlocks = logicalBlocks + 7  // spare blocks that nobody reads
        var generator = SplitMix64(seed: seed)
        blockTable = Array((0 ..< Int32(physicalBlocks)).shuffled(using: &generator).prefix(logicalBlocks))
        let slotFloats = physicalBlocks * shape.blockSize * shape.kvHeadCount * shape.headDim
        keyCache = randomFloats(slotFloats, in: -2 ... 2, seed: seed + 1)
        valueCache = randomFloats(slotFloats, seed: seed + 2)
        queryTable = randomFloats(Self.contextLength * shape.headCount * shape.headDim, in: -2 ... 2, seed: seed + 3)
        // Spare physical blocks hold NaN: reading one would poison the output.
        let used = Set(blockTable)
        for block in 0 ..< physicalBlocks where !used.contains(Int32(block)) {
            poisonSlots(block * shape.blockSize ..< (block + 1) * shape.blockSize)
        }
    }

    /// Writes NaN into the keys and values of `slots`.
    mutating func poisonSlots(_ slots: Range<Int>) {
        let slotLength = shape.kvHeadCount * shape.headDim
        for i in slots.lowerBound * slotLength ..< slots.upperBound * slotLength {
            keyCache[i] = .nan
            valueCache[i] = .nan
        }
    }

    /// A copy whose keys and values at logical positions outside `kept` are NaN.
    func poisoned(outside kept: ClosedRange<Int>) -> AttentionFixture {
        var copy = self
        for position in 0 ..< Self.contextLength where !kept.contains(position) {
            let slot = Int(blockTable[position / shape.blockSize]) * shape.blockSize + position % shape.blockSize
            copy.poisonSlots(slot ..< slot + 1)
        }
        return copy
    }

    var rowLength: Int { shape.headCount * shape.headDim }

    /// Output rows (positions.count, headCount, headDim) for queries at `positions`.
    func attend(_ positions: [Int32], reference: Bool = false) -> [Float] {
        var queries: [Float] = []
        for p in positions { queries += queryTable[Int(p) * rowLength ..< (Int(p) + 1) * rowLength] }
        var out = [Float](repeating: .nan, count: positions.count * rowLength)
        let kernel = reference ? Kernels.pagedAttentionReference : Kernels.pagedAttention
        kernel(
            &out, queries, positions, positions.count, keyCache, valueCache, blockTable, shape.blockSize,
            shape.headCount, shape.kvHeadCount, shape.headDim, 1 / Float(shape.headDim).squareRoot(),
            shape.slidingWindow)
        return out
    }

    func row(_ out: [Float], _ index: Int) -> ArraySlice<Float> {
        out[index * rowLength ..< (index + 1) * rowLength]
    }

    /// A copy whose keys and values are rounded to f16 (still stored as f32).
    func roundedToHalf() -> AttentionFixture {
        var copy = self
        copy.keyCache = keyCache.map { Float(Float16($0)) }
        copy.valueCache = valueCache.map { Float(Float16($0)) }
        return copy
    }

    /// Like `attend`, over the keys and values stored in an f16 cache.
    func attendHalf(_ positions: [Int32]) -> [Float] {
        var queries: [Float] = []
        for p in positions { queries += queryTable[Int(p) * rowLength ..< (Int(p) + 1) * rowLength] }
        var out = [Float](repeating: .nan, count: positions.count * rowLength)
        let keys = keyCache.map { Float16($0).bitPattern }, values = valueCache.map { Float16($0).bitPattern }
        queries.withUnsafeBufferPointer { q in
            positions.withUnsafeBufferPointer { p in
                blockTable.withUnsafeBufferPointer { table in
                    out.withUnsafeMutableBufferPointer { o in
                        let sequence = AttentionSequence(out: o.baseAddress!, queries: q.baseAddress!,
                                                         positions: p.baseAddress!, queryCount: positions.count,
                                                         blockTable: table.baseAddress!)
                        Kernels.pagedAttention(
                            sequences: [sequence], keyCache: keys, valueCache: values, elementType: .f16,
                            blockSize: shape.blockSize, headCount: shape.headCount, kvHeadCount: shape.kvHeadCount,
                            headDim: shape.headDim, scale: 1 / Float(shape.headDim).squareRoot(),
                            slidingWindow: shape.slidingWindow)
                    }
                }
            }
        }
        return out
    }
}

@Suite("Paged attention")
struct AttentionTests {
    static let shapes: [AttentionShape] = [
        .init(headCount: 4, kvHeadCount: 4, headDim: 16, blockSize: 16, slidingWindow: nil),
        .init(headCount: 8, kvHeadCount: 2, headDim: 64, blockSize: 16, slidingWindow: nil),
        .init(headCount: 4, kvHeadCount: 1, headDim: 80, blockSize: 8, slidingWindow: nil),
        .init(headCount: 2, kvHeadCount: 2, headDim: 128, blockSize: 16, slidingWindow: 37),
        .init(headCount: 4, kvHeadCount: 2, headDim: 20, blockSize: 5, slidingWindow: 50),
        .init(headCount: 6, kvHeadCount: 3, headDim: 64, blockSize: 16, slidingWindow: 1),
    ]

    /// Holes spread over the context, then the suffix: the multi-segment batch of one sequence.
    static let scattered: [Int32] =
        Array(16 ..< 48) + Array(128 ..< 144) + Array(250 ..< 256) + Array(270 ..< 275) + Array(290 ..< 300)

    @Test("matches the two-pass naive twin on a scattered batch", arguments: shapes)
    func matchesReference(shape: AttentionShape) {
        let fixture = AttentionFixture(shape, seed: UInt64(shape.headDim * 31 + shape.blockSize))
        let positions = Self.scattered + [0, 1, 299]
        let diff = maxAbsDiff(fixture.attend(positions), fixture.attend(positions, reference: true))
        print("pagedAttention \(shape) max abs diff \(diff)")
        #expect(diff < 2e-5)
    }

    @Test("a query alone, in a contiguous chunk, or in a scattered batch gives the same bits", arguments: shapes)
    func batchInvariant(shape: AttentionShape) {
        let fixture = AttentionFixture(shape, seed: UInt64(shape.headDim * 7 + shape.headCount))
        let scatteredOut = fixture.attend(Self.scattered)
        let reversed = Array(Self.scattered.reversed())
        let reversedOut = fixture.attend(reversed)
        let chunks = [Array(Int32(120) ..< 150), Array(Int32(245) ..< 300)]
        let chunkOuts = chunks.map { fixture.attend($0) }
        for position: Int32 in [16, 47, 128, 143, 250, 272, 299] {
            let alone = fixture.attend([position])
            let inScattered = fixture.row(scatteredOut, Self.scattered.firstIndex(of: position)!)
            let inReversed = fixture.row(reversedOut, reversed.firstIndex(of: position)!)
            #expect(bitIdentical(alone, inScattered), "position \(position) scattered")
            #expect(bitIdentical(alone, inReversed), "position \(position) reversed order")
            for (chunk, chunkOut) in zip(chunks, chunkOuts) {
                if let index = chunk.firstIndex(of: position) {
                    #expect(bitIdentical(alone, fixture.row(chunkOut, index)), "position \(position) chunk")
                }
            }
        }
    }

    @Test("an f16 cache gives the f32 cache's bits on the same rounded values", arguments: shapes)
    func halfCacheMatchesRoundedFloatCache(shape: AttentionShape) {
        let fixture = AttentionFixture(shape, seed: UInt64(shape.headDim * 13 + shape.blockSize))
        let positions = Self.scattered + [0, 1, 299]
        let half = fixture.attendHalf(positions)
        let rounded = fixture.roundedToHalf()
        #expect(bitIdentical(half, rounded.attend(positions)))
        #expect(maxAbsDiff(half, rounded.attend(positions, reference: true)) < 2e-5)
    }

    @Test("an f16 cache: a query alone or in a scattered batch gives the same bits", arguments: shapes)
    func halfCacheBatchInvariant(shape: AttentionShape) {
        let fixture = AttentionFixture(shape, seed: UInt64(shape.headDim * 3 + shape.headCount))
        let scatteredOut = fixture.attendHalf(Self.scattered)
        let chunk = Array(Int32(245) ..< 300)
        let chunkOut = fixture.attendHalf(chunk)
        for position: Int32 in [16, 47, 128, 250, 272, 299] {
            let alone = fixture.attendHalf([position])
            #expect(bitIdentical(alone, fixture.row(scatteredOut, Self.scattered.firstIndex(of: position)!)))
            if let index = chunk.firstIndex(of: position) {
                #expect(bitIdentical(alone, fixture.row(chunkOut, index)), "position \(position) chunk")
            }
        }
    }

    @Test("reads no key outside a query's own range", arguments: shapes)
    func readsOnlyOwnKeys(shape: AttentionShape) {
        let fixture = AttentionFixture(shape, seed: 5)
        func low(_ p: Int) -> Int { shape.slidingWindow.map { max(0, p - $0 + 1) } ?? 0 }
        for position in [0, 15, 16, 100, 299] {
            let clean = fixture.attend([Int32(position)])
            let dirty = fixture.poisoned(outside: low(position) ... position).attend([Int32(position)])
            #expect(bitIdentical(clean, dirty), "position \(position)")
        }
        // A chunk: keys after its last query and before its first query's window are never read.
        let chunk = Array(Int32(140) ..< 170)
        let dirty = fixture.poisoned(outside: low(140) ... 169).attend(chunk)
        #expect(bitIdentical(fixture.attend(chunk), dirty))
    }
}
