/// GPT-2's reversible map between the 256 byte values and 256 printable Unicode scalars.
///
/// Printable bytes (`!`...`~`, `¡`...`¬`, `®`...`ÿ`) map to the scalar of the same value; the other
/// 68 bytes map, in increasing order, to U+0100, U+0101, ... (so space 0x20 is `Ġ` U+0120 and
/// newline 0x0A is `Ċ` U+010A). Vocabulary entries of byte-level BPE are strings over these scalars.
enum ByteLevelAlphabet {
    /// `scalarForByte[b]` is the printable scalar that stands for byte `b`.
    static let scalarForByte: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            if isPrintable(byte) {
                table[byte] = Unicode.Scalar(UInt32(byte))!
            } else {
                table[byte] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()

    /// Inverse of `scalarForByte`, keyed by scalar value.
    static let byteForScalar: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (byte, scalar) in scalarForByte.enumerated() { map[scalar.value] = UInt8(byte) }
        return map
    }()

    private static func isPrintable(_ byte: Int) -> Bool {
        (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte)
    }

    /// The raw bytes a vocabulary string stands for, or nil if some scalar is outside the alphabet.
    static func bytes(ofToken token: String) -> [UInt8]? {
        var result: [UInt8] = []
        result.reserveCapacity(token.unicodeScalars.count)
        for scalar in token.unicodeScalars {
            guard let byte = byteForScalar[scalar.value] else { return nil }
            result.append(byte)
        }
        return result
    }
}
