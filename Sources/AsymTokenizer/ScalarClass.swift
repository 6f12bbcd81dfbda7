/// The character classes the GPT-2, Llama-3 and Qwen2 split patterns distinguish.
///
/// `letter` is `\p{L}`, `number` is `\p{N}`; the three whitespace classes together are `\s`
/// (Unicode `White_Space`); `other` is everything else (`[^\s\p{L}\p{N}]`).
enum ScalarClass: UInt8 {
    case letter
    case number
    /// U+0020, the only scalar the patterns' ` ?` accepts.
    case space
    /// `\r` or `\n`.
    case lineBreak
    /// Whitespace other than U+0020, `\r` and `\n` (tab, NBSP, U+3000, ...).
    case otherWhitespace
    case other

    var isWhitespace: Bool { self == .space || self == .lineBreak || self == .otherWhitespace }

    init(_ scalar: Unicode.Scalar) {
        let value = scalar.value
        if value < 128 {
            self = ScalarClass.asciiTable[Int(value)]
            return
        }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            self = .letter
        case .decimalNumber, .letterNumber, .otherNumber:
            self = .number
        default:
            self = properties.isWhitespace ? .otherWhitespace : .other
        }
    }

    private static let asciiTable: [ScalarClass] = (0..<128).map { value in
        switch value {
        case 0x20: .space
        case 0x0A, 0x0D: .lineBreak
        case 0x09, 0x0B, 0x0C: .otherWhitespace
        case 0x30...0x39: .number
        case 0x41...0x5A, 0x61...0x7A: .letter
        default: .other
        }
    }
}

/// The scalars of a UTF-8 text with their classes and byte offsets, for the pattern scanners.
struct ClassifiedText {
    /// One entry per scalar.
    var scalars: [Unicode.Scalar] = []
    /// `classes[i]` is the class of `scalars[i]`.
    var classes: [ScalarClass] = []
    /// `byteOffsets[i]` is where scalar `i` starts in the UTF-8 input; one extra entry holds the byte count.
    var byteOffsets: [Int] = []

    /// Decodes valid UTF-8 `bytes` (as produced from a Swift `String`).
    init(utf8 bytes: ArraySlice<UInt8>) {
        scalars.reserveCapacity(bytes.count)
        classes.reserveCapacity(bytes.count)
        byteOffsets.reserveCapacity(bytes.count + 1)
        var offset = 0
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                scalars.append(scalar)
                classes.append(ScalarClass(scalar))
                byteOffsets.append(offset)
                offset += UTF8.width(scalar)
            case .error:
                // Not reachable for String input; keep offsets consistent with a replacement byte.
                scalars.append("\u{FFFD}")
                classes.append(.other)
                byteOffsets.append(offset)
                offset += 1
            case .emptyInput:
                break loop
            }
        }
        byteOffsets.append(offset)
    }

    var count: Int { scalars.count }
}
