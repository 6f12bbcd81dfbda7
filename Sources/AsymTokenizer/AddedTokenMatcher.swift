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
            if token.leftStrip { while start > textStart, Self.isWhitespace(text[start - 1]) { start -= 1 } }
            if token.rightStrip { while end < text.count, Self.isWhitespace(text[end]) { end += 1 } }
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
        (start == 0 || !isWordByte(text[start - 1])) && (end == text.count || !isWordByte(text[end]))
    }

    /// ASCII alphanumerics, `_`, and any byte of a non-ASCII scalar (approximates `\w`).
    private static func isWordByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x5F
            || byte >= 0x80
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }
}
