import CKernels

/// Matrix multiply against a PyTorch-layout weight: out = input · weightᵀ (+ bias).
///
/// With `VectorUnit.avx512`, the C kernel `ck_matmul` computes each element as one 16-lane FMA
/// accumulator over k, a fixed lane tree, then the bias (see CKernels.h). Otherwise each output
/// element is one dot product over k with a single `SIMD8<Float>` accumulator (lane l sums
/// k ≡ l mod 8, ascending), then the fixed lane sum of `SIMDMath.sum`, then the
/// k % 8 tail in ascending order, then the bias. Every micro-kernel (2×2, 2×1, 1×4, 1×1)
/// performs exactly this sequence per element; tiles only share loads. Threads split output
/// columns. So a row's result never depends on rowCount, tiling or thread count.
extension Kernels {
    /// out[m, n] = Σ_k input[m, k] * weight[n, k] (+ bias[n]).
    /// - out: (rowCount, weight.rows)
    /// - input: (rowCount, weight.columns)
    /// - bias: (weight.rows) or nil
    public static func matmul(
        out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: WeightMatrix,
        bias: UnsafePointer<Float>?, rowCount: Int
    ) {
        precondition(rowCount >= 0, "matmul: negative rowCount")
        let columnCount = weight.rows
        if rowCount == 0 || columnCount == 0 { return }
        if VectorUnit.active == .avx512 {
            matmulAVX512(out: out, input: input, weight: weight, bias: bias, rowCount: rowCount)
            return
        }
        let panelWidth = matmulPanelWidth(depth: weight.columns)
        let panelCount = (columnCount + panelWidth - 1) / panelWidth
        let work = rowCount * columnCount * weight.columns
        let chunkCount = work < 1 << 17 ? 1 : min(panelCount, Parallel.coreCount * 2)
        let pointers = UnsafeTransfer((out, input, bias))
        Parallel.forEach(chunkCount: chunkCount) { chunk in
            let (out, input, bias) = pointers.value
            let columns = Parallel.range(chunk: chunk, of: chunkCount, count: columnCount, granule: panelWidth)
            matmulColumns(
                out: out, input: input, weight: weight, bias: bias, rowCount: rowCount,
                columns: columns, panelWidth: panelWidth)
        }
    }

    /// Several matmuls of one input in a single parallel dispatch (q/k/v, gate/up): threads split
    /// the targets' concatenated output columns, so small projections do not each pay a dispatch
    /// and its final wait. Each target's elements are computed exactly as by `matmul`.
    /// - input: (rowCount, depth); every target's weight has `depth` columns.
    public static func matmul(targets: [MatmulTarget], input: UnsafePointer<Float>, rowCount: Int) {
        precondition(rowCount >= 0, "matmul: negative rowCount")
        guard let depth = targets.first?.weight.columns, rowCount > 0 else { return }
        precondition(targets.allSatisfy { $0.weight.columns == depth }, "matmul: targets differ in depth")
        guard VectorUnit.active == .avx512, targets.count > 1 else {
            for t in targets { matmul(out: t.out, input: input, weight: t.weight, bias: t.bias, rowCount: rowCount) }
            return
        }
        let columnCount = targets.reduce(0) { $0 + $1.weight.rows }
        let work = rowCount * columnCount * depth
        let chunkCount = work < 1 << 17 ? 1 : max(1, min((columnCount + 15) / 16, Parallel.coreCount * 2))
        let box = UnsafeTransfer((targets, input))
        Parallel.forEach(chunkCount: chunkCount) { chunk in
            let (targets, input) = box.value
            let columns = Parallel.range(chunk: chunk, of: chunkCount, count: columnCount, granule: 16)
            var first = 0  // the target's first column in the concatenation
            for t in targets {
                let lower = max(columns.lowerBound, first) - first
                let upper = min(columns.upperBound, first + t.weight.rows) - first
                if lower < upper {
                    ck_matmul(t.out, t.weight.rows, input, rowCount, depth, t.weight.base, t.weight.type.kernelCode,
                              lower, upper, t.bias)
                }
                first += t.weight.rows
            }
        }
    }

    /// Weight rows converted and kept hot together: about 24 KiB of f32.
    static func matmulPanelWidth(depth: Int) -> Int {
        max(2, min(16, (24 * 1024 / 4) / max(depth, 1)) & ~1)
    }

    /// Computes out[:, columns] panel by panel.
    private static func matmulColumns(
        out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: WeightMatrix,
        bias: UnsafePointer<Float>?, rowCount: Int, columns: Range<Int>, panelWidth: Int
    ) {
        let depth = weight.columns
        let outStride = weight.rows
        // f16 / bf16 panels are converted once into this (panelWidth, depth) buffer.
        let scratch: UnsafeMutablePointer<Float>? =
            weight.type == .f32 ? nil : .allocate(capacity: panelWidth * depth)
        defer { scratch?.deallocate() }
        var panelStart = columns.lowerBound
        while panelStart < columns.upperBound {
            let width = min(panelWidth, columns.upperBound - panelStart)
            let panel: UnsafePointer<Float>
            if let scratch {
                for c in 0 ..< width {
                    convertRow(
                        out: scratch + c * depth, source: weight.rowStart(panelStart + c), type: weight.type,
                        count: depth)
                }
                panel = UnsafePointer(scratch)
            } else {
                panel = weight.base.assumingMemoryBound(to: Float.self) + panelStart * depth
            }
            let tile = MatmulTile(depth: depth, outStride: outStride)
            var row = 0
            while row + 2 <= rowCount {
                let x = input + row * depth
                let o = out + row * outStride + panelStart
                var c = 0
                while c + 2 <= width {
                    tile.rows2Columns2(x, panel + c * depth, o + c, bias.map { $0 + panelStart + c })
                    c += 2
                }
                if c < width { tile.rows2Columns1(x, panel + c * depth, o + c, bias.map { $0 + panelStart + c }) }
                row += 2
            }
            if row < rowCount {
                let x = input + row * depth
                let o = out + row * outStride + panelStart
                var c = 0
                while c + 4 <= width {
                    tile.rows1Columns4(x, panel + c * depth, o + c, bias.map { $0 + panelStart + c })
                    c += 4
                }
                while c < width {
                    tile.rows1Columns1(x, panel + c * depth, o + c, bias.map { $0 + panelStart + c })
                    c += 1
                }
            }
            panelStart += width
        }
    }

    /// `matmul` on the AVX-512 kernel; threads split output columns in multiples of 16.
    private static func matmulAVX512(
        out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: WeightMatrix,
        bias: UnsafePointer<Float>?, rowCount: Int
    ) {
        let columnCount = weight.rows
        let work = rowCount * columnCount * weight.columns
        let chunkCount = work < 1 << 17 ? 1 : max(1, min((columnCount + 15) / 16, Parallel.coreCount * 2))
        let pointers = UnsafeTransfer((out, input, bias))
        Parallel.forEach(chunkCount: chunkCount) { chunk in
            let (out, input, bias) = pointers.value
            let columns = Parallel.range(chunk: chunk, of: chunkCount, count: columnCount, granule: 16)
            if columns.isEmpty { return }
            ck_matmul(
                out, columnCount, input, rowCount, weight.columns, weight.base, weight.type.kernelCode,
                columns.lowerBound, columns.upperBound, bias)
        }
    }
}

/// One output of a grouped `Kernels.matmul(targets:input:rowCount:)`: out = input · weightᵀ (+ bias).
public struct MatmulTarget: @unchecked Sendable {
    public var out: UnsafeMutablePointer<Float>  // (rowCount, weight.rows)
    public var weight: WeightMatrix
    public var bias: UnsafePointer<Float>?  // (weight.rows) or nil
    public init(out: UnsafeMutablePointer<Float>, weight: WeightMatrix, bias: UnsafePointer<Float>?) {
        self.out = out
        self.weight = weight
        self.bias = bias
    }
}
