import CPUKernels
import Testing

/// Shapes large enough to cross the fast kernels' cache blocking (row blocks of about 512 KiB of
/// input, weight panels, the half-precision widening for six rows or more): a row's bits must not
/// depend on which block, panel or path computed it.
@Suite("Matmul blocking")
struct BlockingTests {
    @Test("rows across row blocks and panels match rows computed alone", arguments: [WeightType.f32, .f16, .bf16])
    func rowBlocksInvariant(type: WeightType) {
        let rows = 70, columns = 150, depth = 2100  // depth % 16 = 4: the masked tail step too
        let weight = TestWeight(randomFloats(columns * depth, seed: 21), rows: columns, columns: depth, type: type)
        let input = randomFloats(rows * depth, seed: 22)
        let bias = randomFloats(columns, seed: 23)
        var full = [Float](repeating: 0, count: rows * columns)
        MatmulTests.run(Kernels.matmul, &full, input, weight.matrix, bias, rows)
        var naive = full
        MatmulTests.run(Kernels.matmulReference, &naive, input, weight.matrix, bias, rows)
        #expect(maxAbsDiff(full, naive) <= 1e-5 * Float(depth))
        for row in [0, 5, 6, 31, 69] {
            let slice = Array(input[row * depth ..< (row + 1) * depth])
            var single = [Float](repeating: 0, count: columns)
            MatmulTests.run(Kernels.matmul, &single, slice, weight.matrix, bias, 1)
            #expect(bitIdentical(single, full[row * columns ..< (row + 1) * columns]), "row \(row)")
        }
    }
}
