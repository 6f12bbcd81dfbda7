import AsymDefaultModel
import AsymTokenizer
import Testing

/// Token-by-token decoding must reproduce `decode` and never emit half a UTF-8 character.
@Suite("StreamingDetokenizer")
struct StreamingDetokenizerTests {
    static let tinyLlama = try! Tokenizer.load(directory: GoldenFixtures.tinyLlamaDirectory)

    /// Appends every id, checking each emitted piece; returns the pieces and the final flush.
    static func stream(_ ids: [Int32], _ tokenizer: Tokenizer, skipSpecialTokens: Bool = false) -> ([String], String) {
        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer, skipSpecialTokens: skipSpecialTokens)
        let pieces = ids.map { detokenizer.append($0) }
        return (pieces, detokenizer.finish())
    }

    @Test(arguments: try! GoldenFixtures.tinyLlamaPrompts())
    func promptTextStreamsWithoutReplacementCharacters(prompt: GoldenFixtures.Prompt) {
        // Prompt ids decode to valid text, so no piece may contain U+FFFD (a cut character would).
        let (pieces, rest) = Self.stream(prompt.inputIDs, Self.tinyLlama)
        #expect(pieces.allSatisfy { !$0.contains("\u{FFFD}") })
        #expect(rest.isEmpty)
        #expect(pieces.joined() == Self.tinyLlama.decode(prompt.inputIDs))
    }

    @Test(arguments: try! GoldenFixtures.tinyLlamaPrompts())
    func greedyIDsStreamToTheGoldenText(prompt: GoldenFixtures.Prompt) {
        let (pieces, rest) = Self.stream(prompt.greedyIDs, Self.tinyLlama)
        #expect(pieces.joined() + rest == prompt.greedyText)
    }

    @Test func kjvGreedyIDsStreamToTheGoldenText() throws {
        let tokenizer = try Tokenizer.load(directory: DefaultModel.directory)
        for prompt in try GoldenFixtures.kjvPrompts() {
            let (pieces, rest) = Self.stream(prompt.greedyIDs, tokenizer)
            #expect(pieces.joined() + rest == prompt.greedyText)
            let (skipped, skippedRest) = Self.stream(prompt.greedyIDs, tokenizer, skipSpecialTokens: true)
            #expect(skipped.joined() + skippedRest == tokenizer.decode(prompt.greedyIDs, skipSpecialTokens: true))
        }
    }

    @Test func holdsBackAnEmojiSplitAcrossTokens() throws {
        // "🙂" is 4 bytes; tiny-llama has no merge for it, so it arrives as single-byte tokens.
        let ids = Self.tinyLlama.encode("a🙂b", addSpecialTokens: false)
        try #require(ids.count == 6)
        let (pieces, rest) = Self.stream(ids, Self.tinyLlama)
        #expect(pieces == ["a", "", "", "", "🙂", "b"])
        #expect(rest.isEmpty)
    }

    @Test func flushesAnUnfinishedCharacterAsReplacement() throws {
        let ids = Self.tinyLlama.encode("🙂", addSpecialTokens: false)
        let (pieces, rest) = Self.stream(Array(ids.prefix(2)), Self.tinyLlama)
        #expect(pieces.joined().isEmpty)
        #expect(rest == "\u{FFFD}")
    }

    @Test func randomIDSequencesMatchDecode() {
        var generator = SplitMix64(seed: 5)
        for _ in 0..<300 {
            let ids = (0..<Int.random(in: 1...20, using: &generator)).map { _ in
                Int32.random(in: 0..<Int32(Self.tinyLlama.vocabularySize), using: &generator)
            }
            let (pieces, rest) = Self.stream(ids, Self.tinyLlama)
            #expect(pieces.joined() + rest == Self.tinyLlama.decode(ids))
        }
    }
}
