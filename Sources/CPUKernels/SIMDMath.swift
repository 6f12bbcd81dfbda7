/// Small SIMD helpers shared by the kernels. Every helper is elementwise or has a fixed
/// reduction order, so its result never depends on where a value sits in a buffer.
enum SIMDMath {
    /// Loads 8 floats from `p` (no alignment needed).
    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// Stores 8 floats at `p` (no alignment needed).
    @inline(__always) static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// Loads `count` (< 8) floats from `p` into the low lanes; the other lanes are `fill`.
    @inline(__always) static func loadPartial(_ p: UnsafePointer<Float>, count: Int, fill: Float = 0) -> SIMD8<Float> {
        var v = SIMD8<Float>(repeating: fill)
        for i in 0 ..< count { v[i] = p[i] }
        return v
    }

    /// Stores the low `count` (< 8) lanes of `v` at `p`.
    @inline(__always) static func storePartial(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0 ..< count { p[i] = v[i] }
    }

    /// Lane sum in the fixed order ((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7)).
    @inline(__always) static func sum(_ v: SIMD8<Float>) -> Float {
        let quad = v.lowHalf + v.highHalf
        let pair = quad.lowHalf + quad.highHalf
        return pair[0] + pair[1]
    }

    /// e^x per lane (Cephes-style polynomial, about 1 ulp on [-87, 88]). Inputs are clamped to
    /// [-87.33, 88]; NaN stays NaN. Pure lane-wise arithmetic: the result for a value is the same
    /// in every lane and every call.
    @inline(__always) static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        var clamped = x
        clamped.replace(with: -87.336_54, where: x .< -87.336_54)
        clamped.replace(with: 88, where: x .> 88)
        let magic: Float = 12_582_912  // 1.5 * 2^23: adding it rounds to an integer
        let shifted = clamped * 1.442_695_04 + magic
        let n = shifted - magic
        let r0 = clamped - n * 0.693_359_375
        let r = r0 + n * 2.121_944_4e-4
        var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        let rr = r * r
        let y = p * rr + r + 1
        let exponent = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(SIMD8<Float>(repeating: magic), to: SIMD8<Int32>.self)
        let twoToN = unsafeBitCast((exponent &+ 127) &<< 23, to: SIMD8<Float>.self)
        return y * twoToN
    }

    /// e^x for one value, bit-identical to a lane of `exp(_:)`.
    @inline(__always) static func exp(_ x: Float) -> Float {
        exp(SIMD8<Float>(repeating: x))[0]
    }
}
