import Foundation
import Testing

@testable import CPUKernels

@Suite("Elementwise, norm and RoPE")
struct ElementwiseTests {
    @Test("SIMD exp is within 2e-7 relative of Foundation's expf on [-87, 88]")
    func expAccuracy() {
        var worst: Float = 0
        var x: Float = -87
        while x + 0.07 < 88 {
            let lanes = SIMD8<Float>(x, x + 0.01, x + 0.02, x + 0.03, x + 0.04, x + 0.05, x + 0.06, x + 0.07)
            let fast = SIMDMath.exp(lanes)
            for i in 0 ..< 8 {
                let expected = Foundation.exp(lanes[i])
                worst = max(worst, abs(fast[i] - expected) / expected)
            }
            x += 0.0813
        }
        print("exp max relative error \(worst)")
        #expect(worst < 2e-7)
        #expect(SIMDMath.exp(0) == 1)
        #expect(SIMDMath.exp(-Float.infinity) < 1e-37)
        #expect(SIMDMath.exp(Float.nan).isNaN)
    }

    @Test("rmsNorm matches the naive twin, is per-row invariant and may run in place", arguments: [1, 7, 64, 80, 131])
    func rmsNorm(width: Int) {
        let rowCount = 9
        let input = randomFloats(rowCount * width, in: -3 ... 3, seed: UInt64(width))
        let weight = randomFloats(width, seed: 99)
        var fast = [Float](repeating: 0, count: input.count)
        var naive = fast
        Kernels.rmsNorm(out: &fast, input: input, weight: weight, rowCount: rowCount, width: width, epsilon: 1e-5)
        Kernels.rmsNormReference(out: &naive, input: input, weight: weight, rowCount: rowCount, width: width, epsilon: 1e-5)
        let diff = maxAbsDiff(fast, naive)
        print("rmsNorm width \(width) max abs diff \(diff)")
        #expect(diff < 1e-5)
        var single = [Float](repeating: 0, count: width)
        let row4 = Array(input[4 * width ..< 5 * width])
        Kernels.rmsNorm(out: &single, input: row4, weight: weight, rowCount: 1, width: width, epsilon: 1e-5)
        #expect(bitIdentical(single, fast[4 * width ..< 5 * width]))
        var inPlace = input
        inPlace.withUnsafeMutableBufferPointer { p in
            Kernels.rmsNorm(
                out: p.baseAddress!, input: p.baseAddress!, weight: weight, rowCount: rowCount, width: width,
                epsilon: 1e-5)
        }
        #expect(bitIdentical(inPlace, fast))
    }

    @Test("rope matches the naive twin and is per-row invariant", arguments: [2, 16, 20, 64, 80, 128])
    func rope(headDim: Int) {
        let rowCount = 6, headCount = 3
        let positions: [Int32] = [0, 1, 17, 500, 4095, 33000]
        let inverseFrequencies = (0 ..< headDim / 2).map { Float(pow(10000, -2 * Double($0) / Double(headDim))) }
        let input = randomFloats(rowCount * headCount * headDim, seed: UInt64(headDim))
        var fast = input
        var naive = input
        Kernels.rope(
            &fast, positions: positions, rowCount: rowCount, headCount: headCount, headDim: headDim,
            inverseFrequencies: inverseFrequencies)
        Kernels.ropeReference(
            &naive, positions: positions, rowCount: rowCount, headCount: headCount, headDim: headDim,
            inverseFrequencies: inverseFrequencies)
        let diff = maxAbsDiff(fast, naive)
        print("rope headDim \(headDim) max abs diff \(diff)")
        #expect(diff < 1e-6)
        let rowLength = headCount * headDim
        for row in [0, 3, 5] {
            var single = Array(input[row * rowLength ..< (row + 1) * rowLength])
            Kernels.rope(
                &single, positions: [positions[row]], rowCount: 1, headCount: headCount, headDim: headDim,
                inverseFrequencies: inverseFrequencies)
            #expect(bitIdentical(single, fast[row * rowLength ..< (row + 1) * rowLength]), "row \(row)")
        }
    }

    @Test("siluMul matches the naive twin and any sub-range gives the same bits")
    func siluMul() {
        let count = 203
        let gate = randomFloats(count, in: -20 ... 20, seed: 5)
        let up = randomFloats(count, seed: 6)
        var fast = [Float](repeating: 0, count: count)
        var naive = fast
        Kernels.siluMul(out: &fast, gate: gate, up: up, count: count)
        Kernels.siluMulReference(out: &naive, gate: gate, up: up, count: count)
        let diff = maxAbsDiff(fast, naive)
        print("siluMul max abs diff \(diff)")
        #expect(diff < 1e-5)
        for (start, length) in [(0, 1), (3, 7), (5, 17), (190, 13)] {
            var part = [Float](repeating: 0, count: length)
            Kernels.siluMul(
                out: &part, gate: Array(gate[start ..< start + length]), up: Array(up[start ..< start + length]),
                count: length)
            #expect(bitIdentical(part, fast[start ..< start + length]), "start \(start)")
        }
    }

    @Test("addInPlace adds elementwise")
    func addInPlace() {
        let a = randomFloats(21, seed: 1), b = randomFloats(21, seed: 2)
        var sum = a
        Kernels.addInPlace(&sum, b, count: 21)
        #expect(bitIdentical(sum, zip(a, b).map { $0 + $1 }))
    }
}
