/// Hand-written matchers for the split regexes that byte-level BPE tokenizers ship.
///
/// Each returns the same pieces as running the regex with leftmost-first alternation over the
/// whole text (every scalar belongs to some piece, since the last alternatives match any
/// whitespace or any non-whitespace run). Pieces are byte ranges of the UTF-8 input.
///
/// - `gpt2`: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
/// - `llama3(maxDigits: 3)`: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|`
///   ` ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`; `maxDigits: 1` (`\p{N}`) is Qwen2's.
enum PatternScanner: Equatable, Sendable {
    case gpt2
    case llama3(maxDigits: Int)

    static let gpt2Pattern =
        #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
    static let llama3Pattern =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let qwen2Pattern =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    /// The scanner for `pattern` if it is exactly one of the known regexes, else nil.
    init?(pattern: String) {
        switch pattern {
        case Self.gpt2Pattern: self = .gpt2
        case Self.llama3Pattern: self = .llama3(maxDigits: 3)
        case Self.qwen2Pattern: self = .llama3(maxDigits: 1)
        default: return nil
        }
    }

    /// The byte ranges of the pieces of `text`, relative to `text.startIndex`.
    func pieces(of text: ClassifiedText) -> [Range<Int>] {
        var result: [Range<Int>] = []
        result.reserveCapacity(text.count / 3 + 1)
        var start = 0
        while start < text.count {
            let end: Int
            switch self {
            case .gpt2: end = Self.gpt2PieceEnd(text, from: start)
            case .llama3(let maxDigits): end = Self.llama3PieceEnd(text, from: start, maxDigits: maxDigits)
            }
            result.append(text.byteOffsets[start]..<text.byteOffsets[end])
            start = end
        }
        return result
    }

    // MARK: - GPT-2

    private static func gpt2PieceEnd(_ text: ClassifiedText, from start: Int) -> Int {
        let classes = text.classes
        if let end = contractionEnd(text, at: start, caseInsensitive: false) { return end }
        // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: an optional space, then a run of one class.
        var runStart = start
        if classes[start] == .space, start + 1 < text.count, !classes[start + 1].isWhitespace {
            runStart = start + 1
        }
        let runClass = classes[runStart]
        if !runClass.isWhitespace { return runEnd(classes, from: runStart) { $0 == runClass } }
        return whitespacePieceEnd(classes, from: start)
    }

    // MARK: - Llama-3 / Qwen2

    private static func llama3PieceEnd(_ text: ClassifiedText, from start: Int, maxDigits: Int) -> Int {
        let classes = text.classes
        let count = text.count
        if let end = contractionEnd(text, at: start, caseInsensitive: true) { return end }
        let first = classes[start]
        // `[^\r\n\p{L}\p{N}]?\p{L}+`
        if first == .letter { return runEnd(classes, from: start) { $0 == .letter } }
        if first != .lineBreak, first != .number, start + 1 < count, classes[start + 1] == .letter {
            return runEnd(classes, from: start + 1) { $0 == .letter }
        }
        // `\p{N}{1,maxDigits}`
        if first == .number {
            var end = start + 1
            while end < count, end - start < maxDigits, classes[end] == .number { end += 1 }
            return end
        }
        // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
        var otherStart: Int?
        if first == .other {
            otherStart = start
        } else if first == .space, start + 1 < count, classes[start + 1] == .other {
            otherStart = start + 1
        }
        if let otherStart {
            let end = runEnd(classes, from: otherStart) { $0 == .other }
            return runEnd(classes, from: end) { $0 == .lineBreak }
        }
        // `\s*[\r\n]+`: up to and including the last line break of the whitespace run.
        let wsEnd = runEnd(classes, from: start) { $0.isWhitespace }
        var lastBreak = wsEnd - 1
        while lastBreak >= start, classes[lastBreak] != .lineBreak { lastBreak -= 1 }
        if lastBreak >= start { return lastBreak + 1 }
        return whitespacePieceEnd(classes, from: start)
    }

    // MARK: - Shared pieces

    /// `'s|'t|'re|'ve|'m|'ll|'d` at `start` (ASCII apostrophe), optionally case-insensitive.
    private static func contractionEnd(_ text: ClassifiedText, at start: Int, caseInsensitive: Bool) -> Int? {
        guard text.scalars[start] == "'", start + 1 < text.count else { return nil }
        func letter(_ index: Int) -> UInt32? {
            guard index < text.count else { return nil }
            let value = text.scalars[index].value
            guard caseInsensitive else { return value }
            if (0x41...0x5A).contains(value) { return value + 0x20 }
            if value == 0x17F { return 0x73 }  // LATIN SMALL LETTER LONG S case-folds to "s"
            return value
        }
        switch letter(start + 1) {
        case 0x73, 0x74, 0x6D, 0x64: return start + 2  // s t m d
        case 0x72, 0x76: return letter(start + 2) == 0x65 ? start + 3 : nil  // re ve
        case 0x6C: return letter(start + 2) == 0x6C ? start + 3 : nil  // ll
        default: return nil
        }
    }

    /// `\s+(?!\S)|\s+` at whitespace `start`: the run, minus its last scalar when a
    /// non-whitespace scalar follows and the run is longer than one.
    private static func whitespacePieceEnd(_ classes: [ScalarClass], from start: Int) -> Int {
        let end = runEnd(classes, from: start) { $0.isWhitespace }
        if end == classes.count || end - start == 1 { return end }
        return end - 1
    }

    private static func runEnd(_ classes: [ScalarClass], from start: Int, while matches: (ScalarClass) -> Bool) -> Int {
        var end = start
        while end < classes.count, matches(classes[end]) { end += 1 }
        return end
    }
}
