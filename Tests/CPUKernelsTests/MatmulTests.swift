import CPUKernels
import Testing

@Suite("Matmul")
struct MatmulTests {
    static let shapes: [(rows: Int, columns: Int, depth: Int)] = [
        (1, 1, 1), (3, 5, 7), (4, 8, 16), (5, 33, 19), (7, 18, 64), (2, 3, 100), (9, 17, 130),
    ]

    @Test("matches the naive twin", arguments: [WeightType.f32, .f16, .bf16])
    func matchesReference(type: WeightType) {
        for (index, shape) in Self.shapes.enumerated() {
            for withBias in [false, true] {
                let seed = UInt64(index * 10)
                let input = randomFloats(shape.rows * shape.depth, seed: seed + 1)
                let weight = TestWeight(
                    randomFloats(shape.columns * shape.depth, seed: seed + 2), rows: shape.columns,
                    columns: shape.depth, type: type)
                let bias = withBias ? randomFloats(shape.columns, seed: seed + 3) : nil
                var fast = [Float](repeating: .nan, count: shape.rows * shape.columns)
                var naive = fast
                Self.run(Kernels.matmul, &fast, input, weight.matrix, bias, shape.rows)
                Self.run(Kernels.matmulReference, &naive, input, weight.matrix, bias, shape.rows)
                let diff = maxAbsDiff(fast, naive)
                print("matmul \(type) \(shape) bias=\(withBias) max abs diff \(diff)")
                #expect(diff <= 1e-5 * Float(shape.depth), "\(type) \(shape)")
            }
        }
    }

    @Test("a row's output is bit-identical for rowCount 1, 3, 7, 64 and 200", arguments: [WeightType.f32, .f16, .bf16])
    func batchInvariant(type: WeightType) {
        let columns = 70, depth = 75  // odd sizes: column and depth remainders
        let weight = TestWeight(randomFloats(columns * depth, seed: 7), rows: columns, columns: depth, type: type)
        let bias = randomFloats(columns, seed: 8)
        let input = randomFloats(200 * depth, seed: 9)
        var full = [Float](repeating: 0, count: 200 * columns)
        Self.run(Kernels.matmul, &full, input, weight.matrix, bias, 200)
        for rowCount in [1, 3, 7, 64] {
            // Rows [start, start + rowCount) of the same input, so each row lands at another tile offset.
            for start in [0, 1, 200 - rowCount] {
                let slice = Array(input[start * depth ..< (start + rowCount) * depth])
                var part = [Float](repeating: 0, count: rowCount * columns)
                Self.run(Kernels.matmul, &part, slice, weight.matrix, bias, rowCount)
                let expected = full[start * columns ..< (start + rowCount) * columns]
                #expect(bitIdentical(part, expected), "rowCount \(rowCount) start \(start)")
            }
        }
    }

    @Test("the parallel path gives the same bits as one column computed alone")
    func threadInvariant() {
        // 200 × 300 × 96 is above the parallel threshold; a one-column matmul runs serially.
        let rows = 200, columns = 300, depth = 96
        let weightValues = randomFloats(columns * depth, seed: 11)
        let weight = TestWeight(weightValues, rows: columns, columns: depth, type: .f32)
        let input = randomFloats(rows * depth, seed: 12)
        var full = [Float](repeating: 0, count: rows * columns)
        Self.run(Kernels.matmul, &full, input, weight.matrix, nil, rows)
        for column in [0, 1, 150, 299] {
            let single = TestWeight(
                Array(weightValues[column * depth ..< (column + 1) * depth]), rows: 1, columns: depth, type: .f32)
            var out = [Float](repeating: 0, count: rows)
            Self.run(Kernels.matmul, &out, input, single.matrix, nil, rows)
            let expected = (0 ..< rows).map { full[$0 * columns + column] }
            #expect(bitIdentical(out, expected), "column \(column)")
        }
    }

    @Test("grouped targets give each target's separate matmul bits", arguments: [WeightType.f32, .f16, .bf16])
    func groupedMatchesSeparate(type: WeightType) {
        // 768 concatenated columns × depth 256: above the parallel threshold even for one row,
        // so chunk boundaries fall inside and across targets.
        let depth = 256, shapes = [512, 128, 128]
        let weights = shapes.enumerated().map { i, rows in
            TestWeight(randomFloats(rows * depth, seed: UInt64(20 + i)), rows: rows, columns: depth, type: type)
        }
        let bias = randomFloats(128, seed: 30)
        for rowCount in [1, 4, 9, 50] {
            let input = randomFloats(rowCount * depth, seed: UInt64(40 + rowCount))
            var separate: [[Float]] = []
            for (i, w) in weights.enumerated() {
                var out = [Float](repeating: .nan, count: rowCount * w.matrix.rows)
                Self.run(Kernels.matmul, &out, input, w.matrix, i == 1 ? bias : nil, rowCount)
                separate.append(out)
            }
            let outs = weights.map { UnsafeMutablePointer<Float>.allocate(capacity: rowCount * $0.matrix.rows) }
            defer { outs.forEach { $0.deallocate() } }
            bias.withUnsafeBufferPointer { b in
                let targets = weights.enumerated().map { i, w in
                    MatmulTarget(out: outs[i], weight: w.matrix, bias: i == 1 ? b.baseAddress! : nil)
                }
                Kernels.matmul(targets: targets, input: input, rowCount: rowCount)
            }
            for (i, w) in weights.enumerated() {
                let grouped = UnsafeBufferPointer(start: outs[i], count: rowCount * w.matrix.rows)
                #expect(bitIdentical(grouped, separate[i]), "\(type) rowCount \(rowCount) target \(i)")
            }
        }
    }

    typealias MatmulFunction = (
        UnsafeMutablePointer<Float>, UnsafePointer<Float>, WeightMatrix, UnsafePointer<Float>?, Int
    ) -> Void

    static func run(
        _ function: MatmulFunction, _ out: inout [Float], _ input: [Float], _ weight: WeightMatrix,
        _ bias: [Float]?, _ rowCount: Int
    ) {
        out.withUnsafeMutableBufferPointer { o in
            input.withUnsafeBufferPointer { x in
                if let bias {
                    bias.withUnsafeBufferPointer { b in
                        function(o.baseAddress!, x.baseAddress!, weight, b.baseAddress!, rowCount)
                    }
                } else {
                    function(o.baseAddress!, x.baseAddress!, weight, nil, rowCount)
                }
            }
        }
    }
}
