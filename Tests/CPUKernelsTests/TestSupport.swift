import CPUKernels

/// SplitMix64: a tiny deterministic generator so every test sees the same data on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `count` floats uniform in `range`.
func randomFloats(_ count: Int, in range: ClosedRange<Float> = -1 ... 1, seed: UInt64) -> [Float] {
    var generator = SplitMix64(seed: seed)
    return (0 ..< count).map { _ in Float.random(in: range, using: &generator) }
}

/// Largest |a[i] - b[i]|.
func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// True when both collections hold the same bit patterns.
func bitIdentical<C1: Collection, C2: Collection>(_ a: C1, _ b: C2) -> Bool
where C1.Element == Float, C2.Element == Float {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
}

/// A weight matrix stored as `type`, owning its bytes.
final class TestWeight {
    let bytes: UnsafeMutableRawPointer
    let matrix: WeightMatrix

    init(_ values: [Float], rows: Int, columns: Int, type: WeightType) {
        precondition(values.count == rows * columns)
        bytes = .allocate(byteCount: max(1, values.count * type.byteCount), alignment: 64)
        for (i, v) in values.enumerated() {
            switch type {
            case .f32: bytes.storeBytes(of: v, toByteOffset: i * 4, as: Float.self)
            case .f16: bytes.storeBytes(of: Float16(v).bitPattern, toByteOffset: i * 2, as: UInt16.self)
            case .bf16: bytes.storeBytes(of: UInt16(v.bitPattern >> 16), toByteOffset: i * 2, as: UInt16.self)
            }
        }
        matrix = WeightMatrix(base: bytes, type: type, rows: rows, columns: columns)
    }

    deinit { bytes.deallocate() }
}
