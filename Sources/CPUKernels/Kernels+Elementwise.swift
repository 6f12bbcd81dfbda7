/// Elementwise kernels. Each element's result is a pure function of its own inputs (the same
/// lane-wise arithmetic in the SIMD body and the padded tail), so any slicing gives the same bits.
extension Kernels {
    /// out[i] = silu(gate[i]) * up[i]; silu(x) = x / (1 + exp(-x)), exp from `SIMDMath.exp`.
    /// `out` may alias `gate` or `up`.
    /// - out, gate, up: (count)
    public static func siluMul(
        out: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int
    ) {
        @inline(__always) func siluTimes(_ g: SIMD8<Float>, _ u: SIMD8<Float>) -> SIMD8<Float> {
            g / (1 + SIMDMath.exp(-g)) * u
        }
        let mainCount = count & ~7
        var i = 0
        while i < mainCount {
            SIMDMath.store(siluTimes(SIMDMath.load(gate + i), SIMDMath.load(up + i)), out + i)
            i &+= 8
        }
        if i < count {
            let rest = count - i
            let g = SIMDMath.loadPartial(gate + i, count: rest)
            let u = SIMDMath.loadPartial(up + i, count: rest)
            SIMDMath.storePartial(siluTimes(g, u), out + i, count: rest)
        }
    }

    /// out[i] += x[i]
    /// - out, x: (count)
    public static func addInPlace(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        let mainCount = count & ~7
        var i = 0
        while i < mainCount {
            SIMDMath.store(SIMDMath.load(out + i) + SIMDMath.load(x + i), out + i)
            i &+= 8
        }
        while i < count {
            out[i] += x[i]
            i &+= 1
        }
    }
}
