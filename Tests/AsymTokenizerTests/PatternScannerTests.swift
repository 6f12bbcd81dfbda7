import Testing

@testable import AsymTokenizer

/// The hand-written scanners must cut text exactly where the regex engine does.
@Suite("PatternScanner")
struct PatternScannerTests {
    /// Scalars chosen to hit every branch: contractions (incl. upper case and long s), letters,
    /// numbers of every category, each kind of whitespace, combining marks, emoji and ZWJ.
    static let alphabet: [String] = [
        "a", "b", "s", "t", "r", "e", "v", "m", "l", "d", "S", "T", "R", "E", "L", "D", "ſ", "'", "'", "'",
        "0", "7", "٣", "Ⅻ", "²", " ", " ", " ", " ", "\t", "\n", "\r", "\r\n", "\u{0B}", "\u{0C}", "\u{85}",
        "\u{A0}", "\u{3000}", "\u{2028}", ".", ",", "-", "(", ")", "#", "!", "é", "e\u{301}", "ß", "日", "本",
        "の", "Ω", "ж", "ש", "ि", "🙂", "👩\u{200D}💻", "🇫🇷", "\u{200B}", "_", "$", "∑", "x",
    ]

    static func randomText(_ generator: inout SplitMix64, length: Int) -> String {
        var text = ""
        for _ in 0..<length { text += alphabet.randomElement(using: &generator)! }
        return text
    }

    static let cases: [(name: String, pattern: String, scanner: PatternScanner)] = [
        ("gpt2", PatternScanner.gpt2Pattern, .gpt2),
        ("llama3", PatternScanner.llama3Pattern, .llama3(maxDigits: 3)),
        ("qwen2", PatternScanner.qwen2Pattern, .llama3(maxDigits: 1)),
    ]

    @Test(arguments: 0..<3)
    func scannerMatchesRegexOnRandomUnicode(caseIndex: Int) throws {
        let (name, pattern, scanner) = Self.cases[caseIndex]
        #expect(PatternScanner(pattern: pattern) == scanner)
        let regex = try RegexSplitter(pattern: pattern)
        var generator = SplitMix64(seed: 42 + UInt64(caseIndex))
        var mismatches = 0
        for _ in 0..<400 {
            let text = Self.randomText(&generator, length: Int.random(in: 1...40, using: &generator))
            let bytes = ArraySlice(Array(text.utf8))
            let expected = regex.matches(in: text)
            let actual = scanner.pieces(of: ClassifiedText(utf8: bytes))
            if actual != expected {
                mismatches += 1
                if mismatches <= 3 {
                    Issue.record("\(name): \(text.debugDescription): scanner \(actual) regex \(expected)")
                }
            }
        }
        #expect(mismatches == 0)
    }

    @Test func llama3SplitsDigitsInThreesAndKeepsContractions() {
        let text = "I'M 12345 don't\r\n  x"
        let pieces = PatternScanner.llama3(maxDigits: 3).pieces(of: ClassifiedText(utf8: ArraySlice(Array(text.utf8))))
        let strings = pieces.map { String(decoding: Array(text.utf8)[$0], as: UTF8.self) }
        #expect(strings == ["I", "'M", " ", "123", "45", " don", "'t", "\r\n", " ", " x"])
    }

    @Test func gpt2KeepsSpaceWithFollowingWord() {
        let text = "Hello  world's 42!!"
        let pieces = PatternScanner.gpt2.pieces(of: ClassifiedText(utf8: ArraySlice(Array(text.utf8))))
        let strings = pieces.map { String(decoding: Array(text.utf8)[$0], as: UTF8.self) }
        #expect(strings == ["Hello", " ", " world", "'s", " 42", "!!"])
    }

    @Test func unknownPatternHasNoScanner() {
        #expect(PatternScanner(pattern: #"\w+|\s+"#) == nil)
    }
}
