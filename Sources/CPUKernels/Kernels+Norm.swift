import Foundation

/// RMSNorm, row by row, in the Hugging Face LlamaRMSNorm order: weight * (x * rsqrt(mean(x²) + ε)).
extension Kernels {
    /// out = x / sqrt(mean(x^2) + epsilon) * weight, per row. `out` may alias `input`.
    /// - out, input: (rowCount, width)
    /// - weight: (width)
    /// The sum of squares uses one `SIMD8` accumulator, the fixed lane sum, then the width % 8
    /// tail, so each row's result depends only on that row.
    public static func rmsNorm(
        out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        rowCount: Int, width: Int, epsilon: Float
    ) {
        let mainWidth = width & ~7
        for row in 0 ..< rowCount {
            let x = input + row * width
            let o = out + row * width
            var acc = SIMD8<Float>()
            var i = 0
            while i < mainWidth {
                let v = SIMDMath.load(x + i)
                acc += v * v
                i &+= 8
            }
            var sumOfSquares = SIMDMath.sum(acc)
            while i < width {
                sumOfSquares += x[i] * x[i]
                i &+= 1
            }
            let inverseRMS = 1 / (sumOfSquares / Float(width) + epsilon).squareRoot()
            i = 0
            while i < mainWidth {
                SIMDMath.store(SIMDMath.load(weight + i) * (SIMDMath.load(x + i) * inverseRMS), o + i)
                i &+= 8
            }
            while i < width {
                o[i] = weight[i] * (x[i] * inverseRMS)
                i &+= 1
            }
        }
    }
}
