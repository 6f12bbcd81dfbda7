import Foundation

/// Naive twins of the fast kernels: plain scalar loops in the most obvious order, for tests.
/// Same labels and shapes as the fast versions.
extension Kernels {
    /// Naive `matmul`: one scalar loop per output element, weights converted with `Float(Float16)`.
    public static func matmulReference(
        out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: WeightMatrix,
        bias: UnsafePointer<Float>?, rowCount: Int
    ) {
        for m in 0 ..< rowCount {
            for n in 0 ..< weight.rows {
                var sum: Float = 0
                for k in 0 ..< weight.columns {
                    sum += input[m * weight.columns + k] * referenceWeight(weight, row: n, column: k)
                }
                out[m * weight.rows + n] = sum + (bias?[n] ?? 0)
            }
        }
    }

    /// Element (row, column) of `weight` as Float, converted by the standard library.
    public static func referenceWeight(_ weight: WeightMatrix, row: Int, column: Int) -> Float {
        let index = row * weight.columns + column
        switch weight.type {
        case .f32: return weight.base.load(fromByteOffset: index * 4, as: Float.self)
        case .f16: return Float(Float16(bitPattern: weight.base.load(fromByteOffset: index * 2, as: UInt16.self)))
        case .bf16:
            return Float(bitPattern: UInt32(weight.base.load(fromByteOffset: index * 2, as: UInt16.self)) << 16)
        }
    }

    /// Naive `rmsNorm`.
    public static func rmsNormReference(
        out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        rowCount: Int, width: Int, epsilon: Float
    ) {
        for row in 0 ..< rowCount {
            var sumOfSquares: Float = 0
            for i in 0 ..< width { sumOfSquares += input[row * width + i] * input[row * width + i] }
            let rms = (sumOfSquares / Float(width) + epsilon).squareRoot()
            for i in 0 ..< width { out[row * width + i] = input[row * width + i] / rms * weight[i] }
        }
    }

    /// Naive `rope`, computing cos/sin per element.
    public static func ropeReference(
        _ x: UnsafeMutablePointer<Float>, positions: UnsafePointer<Int32>, rowCount: Int,
        headCount: Int, headDim: Int, inverseFrequencies: UnsafePointer<Float>
    ) {
        let half = headDim / 2
        for row in 0 ..< rowCount {
            for head in 0 ..< headCount {
                let v = x + (row * headCount + head) * headDim
                for j in 0 ..< half {
                    let angle = Float(positions[row]) * inverseFrequencies[j]
                    let a = v[j], b = v[j + half]
                    v[j] = a * cos(angle) - b * sin(angle)
                    v[j + half] = b * cos(angle) + a * sin(angle)
                }
            }
        }
    }

    /// Naive `siluMul` with Foundation's `exp`.
    public static func siluMulReference(
        out: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int
    ) {
        for i in 0 ..< count { out[i] = gate[i] / (1 + exp(-gate[i])) * up[i] }
    }

    /// Naive `pagedAttention`: per (query, head), all scores, then a two-pass softmax.
    public static func pagedAttentionReference(
        out: UnsafeMutablePointer<Float>, queries: UnsafePointer<Float>, positions: UnsafePointer<Int32>,
        queryCount: Int, keyCache: UnsafePointer<Float>, valueCache: UnsafePointer<Float>,
        blockTable: UnsafePointer<Int32>, blockSize: Int, headCount: Int, kvHeadCount: Int, headDim: Int,
        scale: Float, slidingWindow: Int?
    ) {
        let groupSize = headCount / kvHeadCount
        for t in 0 ..< queryCount {
            let position = Int(positions[t])
            let low = slidingWindow.map { max(0, position - $0 + 1) } ?? 0
            for h in 0 ..< headCount {
                let q = queries + (t * headCount + h) * headDim
                let kvHead = h / groupSize
                func slotVector(_ cache: UnsafePointer<Float>, _ j: Int) -> UnsafePointer<Float> {
                    let slot = Int(blockTable[j / blockSize]) * blockSize + j % blockSize
                    return cache + (slot * kvHeadCount + kvHead) * headDim
                }
                var scores: [Float] = []
                for j in low ... position {
                    let k = slotVector(keyCache, j)
                    var s: Float = 0
                    for d in 0 ..< headDim { s += q[d] * k[d] }
                    scores.append(s * scale)
                }
                let maxScore = scores.max()!
                let weights = scores.map { exp($0 - maxScore) }
                let total = weights.reduce(0, +)
                let o = out + (t * headCount + h) * headDim
                for d in 0 ..< headDim { o[d] = 0 }
                for (i, j) in (low ... position).enumerated() {
                    let v = slotVector(valueCache, j)
                    for d in 0 ..< headDim { o[d] += weights[i] / total * v[d] }
                }
            }
        }
    }
}
