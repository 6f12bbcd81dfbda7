import CKernels

/// Exact conversion of f16 / bf16 weights to f32, 8 values at a time with integer SIMD only
/// (no F16C: the package builds for baseline x86-64), and f32 rows stored into a KV cache.
extension Kernels {
    /// Stores `count` floats at `destination` as elements of `type`; f16 rounds to nearest even
    /// (vcvtps2ph with AVX-512, Swift's `Float16(_:)` otherwise: the same values).
    /// - values: (count); destination: count elements of `type`
    public static func storeRow(
        _ values: UnsafePointer<Float>, count: Int, to destination: UnsafeMutableRawPointer, as type: KVElementType
    ) {
        switch type {
        case .f32:
            destination.assumingMemoryBound(to: Float.self).update(from: values, count: count)
        case .f16 where VectorUnit.active == .avx512:
            ck_convert_to_half(destination.assumingMemoryBound(to: UInt16.self), values, count)
        case .f16:
            for i in 0 ..< count {
                destination.storeBytes(of: Float16(values[i]).bitPattern, toByteOffset: 2 * i, as: UInt16.self)
            }
        }
    }

    /// out[i] = Float(values[i]) for a row of `count` elements of `type` starting at `source`.
    /// - out: (count)
    static func convertRow(out: UnsafeMutablePointer<Float>, source: UnsafeRawPointer, type: WeightType, count: Int) {
        switch type {
        case .f32:
            out.update(from: source.assumingMemoryBound(to: Float.self), count: count)
        case .bf16:
            convert16(out: out, source: source, count: count, using: bfloat16ToFloat)
        case .f16:
            convert16(out: out, source: source, count: count, using: halfToFloat)
        }
    }

    @inline(__always)
    private static func convert16(
        out: UnsafeMutablePointer<Float>, source: UnsafeRawPointer, count: Int,
        using convert: (SIMD8<UInt16>) -> SIMD8<Float>
    ) {
        let mainCount = count & ~7
        var i = 0
        while i < mainCount {
            let bits = source.loadUnaligned(fromByteOffset: i &* 2, as: SIMD8<UInt16>.self)
            SIMDMath.store(convert(bits), out + i)
            i &+= 8
        }
        if i < count {
            var bits = SIMD8<UInt16>()
            for lane in 0 ..< count - i {
                bits[lane] = source.loadUnaligned(fromByteOffset: (i + lane) * 2, as: UInt16.self)
            }
            SIMDMath.storePartial(convert(bits), out + i, count: count - i)
        }
    }

    /// bf16 bit patterns to Float: a 16-bit left shift.
    @inline(__always) static func bfloat16ToFloat(_ bits: SIMD8<UInt16>) -> SIMD8<Float> {
        unsafeBitCast(SIMD8<UInt32>(truncatingIfNeeded: bits) &<< 16, to: SIMD8<Float>.self)
    }

    /// IEEE binary16 bit patterns to Float, exact for every pattern. The magnitude shifted into
    /// f32 position is the value times 2^-112, so one multiply by 2^112 rescales normals and
    /// subnormals exactly; exponent 31 (inf, NaN) then gets the f32 exponent 255 OR-ed in.
    /// Branch-free integer and float SIMD only (the comparisons-and-select form does not vectorize).
    @inline(__always) static func halfToFloat(_ bits: SIMD8<UInt16>) -> SIMD8<Float> {
        let wide = SIMD8<UInt32>(truncatingIfNeeded: bits)
        let sign = (wide & 0x8000) &<< 16
        let magnitude = (wide & 0x7fff) &<< 13
        let scaled = unsafeBitCast(magnitude, to: SIMD8<Float>.self) * Float(bitPattern: 0x7780_0000)  // 2^112
        let isSpecial = (((wide & 0x7c00) &+ 0x0400) & 0x8000) &>> 15  // 1 where exponent == 31
        let specialExponent = (0 &- isSpecial) & 0x7f80_0000
        return unsafeBitCast(unsafeBitCast(scaled, to: SIMD8<UInt32>.self) | specialExponent | sign, to: SIMD8<Float>.self)
    }

    /// out[i, :] = row ids[i] of `table` converted to Float.
    /// - out: (count, table.columns)
    /// - ids: (count), each in 0 ..< table.rows
    public static func gatherRows(out: UnsafeMutablePointer<Float>, table: WeightMatrix, ids: UnsafePointer<Int32>, count: Int) {
        for i in 0 ..< count {
            let id = Int(ids[i])
            precondition(id >= 0 && id < table.rows, "gatherRows: id \(id) out of range 0..<\(table.rows)")
            convertRow(out: out + i * table.columns, source: table.rowStart(id), type: table.type, count: table.columns)
        }
    }
}
