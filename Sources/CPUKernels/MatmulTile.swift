/// Register-blocked dot-product micro-kernels for `Kernels.matmul`.
///
/// Rows of x and w are `depth` floats apart; outputs of consecutive rows are `outStride` floats
/// apart. Every kernel computes each element with the same operations as `rows1Columns1`:
/// acc += x[k..<k+8] * w[k..<k+8] for k = 0, 8, …, then `finish`.
struct MatmulTile {
    /// k, the shared length of every dot product.
    let depth: Int
    /// Distance between consecutive output rows (the matmul's column count).
    let outStride: Int

    init(depth: Int, outStride: Int) {
        self.depth = depth
        self.outStride = outStride
    }

    private var mainDepth: Int { depth & ~7 }

    /// Lane sum, then the k % 8 tail in ascending order, then the bias.
    @inline(__always)
    private func finish(_ acc: SIMD8<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ bias: Float?) -> Float {
        var sum = SIMDMath.sum(acc)
        var k = mainDepth
        while k < depth {
            sum += x[k] * w[k]
            k &+= 1
        }
        if let bias { sum += bias }
        return sum
    }

    /// 2 rows of x × 2 weight rows. x: (2, depth), w: (2, depth), out: 2×2 at stride outStride, bias: (2)?
    @inline(__always)
    func rows2Columns2(
        _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
        _ bias: UnsafePointer<Float>?
    ) {
        let x1 = x + depth, w1 = w + depth
        var a00 = SIMD8<Float>(), a01 = SIMD8<Float>(), a10 = SIMD8<Float>(), a11 = SIMD8<Float>()
        var k = 0
        while k < mainDepth {
            let w0v = SIMDMath.load(w + k), w1v = SIMDMath.load(w1 + k)
            let x0v = SIMDMath.load(x + k), x1v = SIMDMath.load(x1 + k)
            a00 += x0v * w0v
            a01 += x0v * w1v
            a10 += x1v * w0v
            a11 += x1v * w1v
            k &+= 8
        }
        out[0] = finish(a00, x, w, bias?[0])
        out[1] = finish(a01, x, w1, bias?[1])
        out[outStride] = finish(a10, x1, w, bias?[0])
        out[outStride + 1] = finish(a11, x1, w1, bias?[1])
    }

    /// 2 rows of x × 1 weight row. x: (2, depth), w: (depth), bias: (1)?
    @inline(__always)
    func rows2Columns1(
        _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
        _ bias: UnsafePointer<Float>?
    ) {
        let x1 = x + depth
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>()
        var k = 0
        while k < mainDepth {
            let wv = SIMDMath.load(w + k)
            a0 += SIMDMath.load(x + k) * wv
            a1 += SIMDMath.load(x1 + k) * wv
            k &+= 8
        }
        out[0] = finish(a0, x, w, bias?[0])
        out[outStride] = finish(a1, x1, w, bias?[0])
    }

    /// 1 row of x × 4 weight rows. x: (depth), w: (4, depth), out: 4 consecutive, bias: (4)?
    @inline(__always)
    func rows1Columns4(
        _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
        _ bias: UnsafePointer<Float>?
    ) {
        let w1 = w + depth, w2 = w1 + depth, w3 = w2 + depth
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
        var k = 0
        while k < mainDepth {
            let xv = SIMDMath.load(x + k)
            a0 += xv * SIMDMath.load(w + k)
            a1 += xv * SIMDMath.load(w1 + k)
            a2 += xv * SIMDMath.load(w2 + k)
            a3 += xv * SIMDMath.load(w3 + k)
            k &+= 8
        }
        out[0] = finish(a0, x, w, bias?[0])
        out[1] = finish(a1, x, w1, bias?[1])
        out[2] = finish(a2, x, w2, bias?[2])
        out[3] = finish(a3, x, w3, bias?[3])
    }

    /// 1 row of x × 1 weight row. x: (depth), w: (depth), bias: (1)?
    @inline(__always)
    func rows1Columns1(
        _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
        _ bias: UnsafePointer<Float>?
    ) {
        var acc = SIMD8<Float>()
        var k = 0
        while k < mainDepth {
            acc += SIMDMath.load(x + k) * SIMDMath.load(w + k)
            k &+= 8
        }
        out[0] = finish(acc, x, w, bias?[0])
    }
}
