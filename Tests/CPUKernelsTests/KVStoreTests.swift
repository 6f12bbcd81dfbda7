import CPUKernels
import Testing

/// Writing K/V rows into an f16 cache rounds like Swift's `Float16(_:)` (to nearest even).
@Suite("KV row store")
struct KVStoreTests {
    /// Values around every rounding case: random magnitudes over f16's whole range, exact ties
    /// between neighbouring halves, subnormals, overflow to infinity, zeros of both signs, NaN.
    static func probeValues() -> [Float] {
        var values = randomFloats(4000, in: -70000 ... 70000, seed: 21) + randomFloats(4000, in: -1 ... 1, seed: 22)
            + randomFloats(2000, in: -1e-4 ... 1e-4, seed: 23)
        for bits in stride(from: UInt16(0), to: 0x7c00, by: 97) {
            let low = Float(Float16(bitPattern: bits)), high = Float(Float16(bitPattern: bits + 1))
            values += [(low + high) / 2, -(low + high) / 2, low.nextUp, high.nextDown]
        }
        return values + [0, -0, 65504, 65520, 65519.99, -65520, .infinity, -.infinity, 1e-8, -6e-8]
    }

    @Test("f16 store equals Float16(x) bit for bit, at every tail length", arguments: [1, 15, 16, 17, 4117])
    func halfRounding(count: Int) {
        let all = Self.probeValues()
        var mismatches = 0
        for start in stride(from: 0, to: all.count - count, by: max(count, 301)) {
            let values = Array(all[start ..< start + count])
            var stored = [UInt16](repeating: 0xffff, count: count + 1)  // one guard element past the row
            stored.withUnsafeMutableBytes { Kernels.storeRow(values, count: count, to: $0.baseAddress!, as: .f16) }
            for (value, bits) in zip(values, stored) where Float16(value).bitPattern != bits { mismatches += 1 }
            #expect(stored[count] == 0xffff, "wrote past the row")
        }
        #expect(mismatches == 0)
    }

    @Test func nanStaysNaN() {
        var stored: [UInt16] = [0]
        stored.withUnsafeMutableBytes { Kernels.storeRow([Float.nan], count: 1, to: $0.baseAddress!, as: .f16) }
        #expect(Float16(bitPattern: stored[0]).isNaN)
    }

    @Test func f32StoreCopies() {
        let values = randomFloats(37, seed: 5)
        var stored = [Float](repeating: 0, count: 37)
        stored.withUnsafeMutableBytes { Kernels.storeRow(values, count: 37, to: $0.baseAddress!, as: .f32) }
        #expect(bitIdentical(stored, values))
    }
}
