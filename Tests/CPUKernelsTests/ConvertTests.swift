import CPUKernels
import Foundation
import Testing

@Suite("Conversions and gatherRows")
struct ConvertTests {
    /// Every f16 bit pattern, converted through a gather of a (65536, 1) table.
    @Test("f16 to f32 is exact for all 65,536 bit patterns")
    func halfExhaustive() {
        let patterns = (0 ..< 65536).map { UInt16($0) }
        for asOneRow in [true, false] {
            let converted = Self.gather(patterns, type: .f16, asOneRow: asOneRow)
            var mismatches = 0
            for (bits, value) in zip(patterns, converted) {
                let expected = Float(Float16(bitPattern: bits))
                let same = expected.isNaN ? value.isNaN : expected.bitPattern == value.bitPattern
                if !same { mismatches += 1 }
            }
            #expect(mismatches == 0, "asOneRow \(asOneRow)")
        }
    }

    @Test("bf16 to f32 is exact for all 65,536 bit patterns")
    func bfloatExhaustive() {
        let patterns = (0 ..< 65536).map { UInt16($0) }
        for asOneRow in [true, false] {
            let converted = Self.gather(patterns, type: .bf16, asOneRow: asOneRow)
            #expect(zip(patterns, converted).allSatisfy { $1.bitPattern == UInt32($0) << 16 }, "asOneRow \(asOneRow)")
        }
    }

    @Test("gatherRows picks and converts rows", arguments: [WeightType.f32, .f16, .bf16])
    func gatherPicksRows(type: WeightType) {
        let rows = 10, columns = 13  // 13: one SIMD8 and a 5-wide tail
        let values = randomFloats(rows * columns, seed: 3)
        let table = TestWeight(values, rows: rows, columns: columns, type: type)
        let ids: [Int32] = [4, 0, 9, 4]
        var out = [Float](repeating: .nan, count: ids.count * columns)
        out.withUnsafeMutableBufferPointer { o in
            Kernels.gatherRows(out: o.baseAddress!, table: table.matrix, ids: ids, count: ids.count)
        }
        for (i, id) in ids.enumerated() {
            let expected = (0 ..< columns).map { Kernels.referenceWeight(table.matrix, row: Int(id), column: $0) }
            #expect(bitIdentical(out[i * columns ..< (i + 1) * columns], expected))
        }
    }

    /// Converts 16-bit patterns with gatherRows: as one wide row (8-wide path) or as one-column rows
    /// (padded tail path).
    static func gather(_ patterns: [UInt16], type: WeightType, asOneRow: Bool) -> [Float] {
        let rows = asOneRow ? 1 : patterns.count
        let ids = (0 ..< Int32(rows)).map { $0 }
        var out = [Float](repeating: 0, count: patterns.count)
        patterns.withUnsafeBytes { raw in
            let table = WeightMatrix(base: raw.baseAddress!, type: type, rows: rows, columns: patterns.count / rows)
            out.withUnsafeMutableBufferPointer { o in
                Kernels.gatherRows(out: o.baseAddress!, table: table, ids: ids, count: rows)
            }
        }
        return out
    }
}
