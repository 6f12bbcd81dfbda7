/// An entry of `added_tokens` in `tokenizer.json`.
struct AddedToken: Sendable {
    var id: Int32
    var content: String
    /// Special tokens are dropped by `decode(skipSpecialTokens: true)`.
    var isSpecial: Bool
    /// Whitespace left of a match is absorbed into it.
    var leftStrip: Bool
    /// Whitespace right of a match is absorbed into it.
    var rightStrip: Bool
    /// Only matches that are not inside a word count.
    var singleWord: Bool
}

/// Finds added tokens in raw text before pre-tokenization: leftmost match first, and among
/// matches at the same position the longest (Hugging Face's `LeftmostLongest`).
struct AddedTokenMatcher: Sendable {
    enum Segment: Equatable {
        /// Ordinary text to normalize, pre-tokenize and BPE-encode (byte range of the input).
        case text(Range<Int>)
        case added(Int32)
    }

    /// Tokens indexed by their first UTF-8 byte, longest content first.
    private let candidatesByFirstByte: [[(bytes: [UInt8], token: AddedToken)]]

    init(tokens: [AddedToken]) {
        var table = [[(bytes: [UInt8], token: AddedToken)]](repeating: [], count: 256)
        for token in tokens {
            let bytes = Array(token.content.utf8)
            guard let first = bytes.first else { continue }
            table[Int(first)].append((bytes, token))
        }
        candidatesByFirstByte = table.map { $0.sorted { $0.bytes.count > $1.bytes.count } }
    }

    /// Cuts `text` (UTF-8) into text runs and added tokens.
    func segments(of text: [UInt8]) -> [Segment] {
        var segments: [Segment] = []
        var textStart = 0
        var index = 0
        while index < text.count {
            guard let (token, length) = longestMatch(in: text, at: index) else {
                index += 1
                continue
            }
            var start = index
            var end = index + length
            if token.leftStrip {
                while start > textStart, let (scalar, width) = Self.scalar(endingAt: start, in: text),
                    scalar.properties.isWhitespace
                {
                    start -= width
                }
            }
            if token.rightStrip {
                while let (scalar, width) = Self.scalar(startingAt: end, in: text), scalar.properties.isWhitespace {
                    end += width
                }
            }
            if textStart < start { segments.append(.text(textStart..<start)) }
            segments.append(.added(token.id))
            textStart = end
            index = end
        }
        if textStart < text.count { segments.append(.text(textStart..<text.count)) }
        return segments
    }

    private func longestMatch(in text: [UInt8], at index: Int) -> (AddedToken, Int)? {
        for candidate in candidatesByFirstByte[Int(text[index])] {
            let end = index + candidate.bytes.count
            guard end <= text.count, text[index..<end].elementsEqual(candidate.bytes) else { continue }
            if candidate.token.singleWord, !Self.isStandalone(text, start: index, end: end) { continue }
            return (candidate.token, candidate.bytes.count)
        }
        return nil
    }

    /// True when no word character touches `start..<end` on either side (`single_word`).
    private static func isStandalone(_ text: [UInt8], start: Int, end: Int) -> Bool {
        let before = scalar(endingAt: start, in: text).map { isWordCharacter($0.0) } ?? false
        let after = scalar(startingAt: end, in: text).map { isWordCharacter($0.0) } ?? false
        return !before && !after
    }

    /// Unicode `\w`: alphabetic, marks, decimal digits, connector punctuation, join controls.
    private static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        if properties.isAlphabetic || properties.isJoinControl { return true }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }

    /// The scalar of valid UTF-8 `text` that starts at byte `position`, with its width.
    private static func scalar(startingAt position: Int, in text: [UInt8]) -> (Unicode.Scalar, Int)? {
        guard position < text.count else { return nil }
        var end = position + 1
        while end < text.count, text[end] & 0xC0 == 0x80 { end += 1 }
        return decode(text[position..<end])
    }

    /// The scalar of valid UTF-8 `text` that ends at byte `position`, with its width.
    private static func scalar(endingAt position: Int, in text: [UInt8]) -> (Unicode.Scalar, Int)? {
        guard position > 0 else { return nil }
        var start = position - 1
        while start > 0, text[start] & 0xC0 == 0x80 { start -= 1 }
        return decode(text[start..<position])
    }

    private static func decode(_ bytes: ArraySlice<UInt8>) -> (Unicode.Scalar, Int)? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator) else { return nil }
        return (scalar, bytes.count)
    }
}
