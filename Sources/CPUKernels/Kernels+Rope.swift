import Foundation

/// Rotary position embedding in the Hugging Face "rotate_half" layout.
extension Kernels {
    /// In place on x: channel j pairs with j + headDim/2; angle = Float(position) * inverseFrequencies[j]
    /// (one Float product, as HF computes it), cos and sin in Float:
    /// x'[j] = x[j]·cos − x[j+half]·sin, x'[j+half] = x[j+half]·cos + x[j]·sin.
    /// - x: (rowCount, headCount, headDim), headDim even
    /// - positions: (rowCount) absolute positions
    /// - inverseFrequencies: (headDim / 2)
    public static func rope(
        _ x: UnsafeMutablePointer<Float>, positions: UnsafePointer<Int32>, rowCount: Int,
        headCount: Int, headDim: Int, inverseFrequencies: UnsafePointer<Float>
    ) {
        precondition(headDim % 2 == 0, "rope: headDim must be even")
        let half = headDim / 2
        let mainHalf = half & ~7
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * half) { table in
            let cosines = table.baseAddress!
            let sines = cosines + half
            for row in 0 ..< rowCount {
                let position = Float(positions[row])
                for j in 0 ..< half {
                    let angle = position * inverseFrequencies[j]
                    cosines[j] = cos(angle)
                    sines[j] = sin(angle)
                }
                for head in 0 ..< headCount {
                    let first = x + (row * headCount + head) * headDim
                    let second = first + half
                    var j = 0
                    while j < mainHalf {
                        let a = SIMDMath.load(first + j), b = SIMDMath.load(second + j)
                        let c = SIMDMath.load(cosines + j), s = SIMDMath.load(sines + j)
                        SIMDMath.store(a * c - b * s, first + j)
                        SIMDMath.store(b * c + a * s, second + j)
                        j &+= 8
                    }
                    while j < half {
                        let a = first[j], b = second[j]
                        first[j] = a * cosines[j] - b * sines[j]
                        second[j] = b * cosines[j] + a * sines[j]
                        j &+= 1
                    }
                }
            }
        }
    }
}
