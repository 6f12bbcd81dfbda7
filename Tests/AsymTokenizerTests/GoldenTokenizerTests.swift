import AsymDefaultModel
import AsymTokenizer
import Foundation
import Testing

/// Token ids and decoded text must equal Hugging Face's for every golden prompt of both models.
@Suite("Tokenizer golden prompts")
struct GoldenTokenizerTests {
    static let tinyLlama = try! Tokenizer.load(directory: GoldenFixtures.tinyLlamaDirectory)
    static let kjv = try! Tokenizer.load(directory: DefaultModel.directory)

    @Test(arguments: try! GoldenFixtures.tinyLlamaPrompts())
    func tinyLlamaEncodesLikeHuggingFace(prompt: GoldenFixtures.Prompt) {
        let ids = Self.tinyLlama.encode(prompt.text, addSpecialTokens: prompt.addSpecialTokens)
        #expect(ids == prompt.inputIDs)
    }

    @Test(arguments: try! GoldenFixtures.kjvPrompts())
    func kjvEncodesLikeHuggingFace(prompt: GoldenFixtures.Prompt) {
        #expect(Self.kjv.encode(prompt.text) == prompt.inputIDs)
    }

    @Test(arguments: try! GoldenFixtures.tinyLlamaPrompts())
    func tinyLlamaDecodesGreedyIDs(prompt: GoldenFixtures.Prompt) {
        #expect(Self.tinyLlama.decode(prompt.greedyIDs) == prompt.greedyText)
    }

    @Test(arguments: try! GoldenFixtures.kjvPrompts())
    func kjvDecodesGreedyIDs(prompt: GoldenFixtures.Prompt) {
        #expect(Self.kjv.decode(prompt.greedyIDs) == prompt.greedyText)
    }

    @Test(arguments: try! GoldenFixtures.tinyLlamaPrompts())
    func decodingPromptIDsRestoresText(prompt: GoldenFixtures.Prompt) {
        let text = Self.tinyLlama.decode(prompt.inputIDs, skipSpecialTokens: false)
        let expected = (prompt.addSpecialTokens ? "<|begin_of_text|>" : "") + prompt.text
        #expect(text == expected)
    }

    @Test func specialTokenIDsComeFromTheConfig() {
        #expect(Self.tinyLlama.bosTokenID == 0)
        #expect(Self.tinyLlama.eosTokenIDs == [1])
        #expect(Self.tinyLlama.vocabularySize == 1024)
        #expect(Self.tinyLlama.specialTokenIDs == [0, 1, 2, 3])
        #expect(Self.kjv.bosTokenID == 0)
        #expect(Self.kjv.eosTokenIDs == [3])
        #expect(Self.kjv.vocabularySize == 4096)
        #expect(Self.tinyLlama.tokenID("<|im_end|>") == 3)
        #expect(Self.tinyLlama.tokenID("\u{120}world") == 919)
    }

    @Test func skippingSpecialTokensDropsThem() {
        let ids = Self.kjv.encode("<|im_start|>user\nAmen<|im_end|>")
        #expect(ids.first == 0)
        #expect(ids.contains(2) && ids.contains(3))
        #expect(Self.kjv.decode(ids, skipSpecialTokens: true) == "user\nAmen")
    }
}
