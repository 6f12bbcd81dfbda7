import Foundation
import Testing

@testable import AsymTokenizer

/// The shapes of `tokenizer_config.json` that real models use.
@Suite("TokenizerConfig")
struct TokenizerConfigTests {
    @Test func readsAddedTokenObjectsAndNamedTemplates() throws {
        let directory = try TemporaryDirectory()
        try directory.write(
            "tokenizer_config.json",
            #"""
            {"bos_token": {"content": "<|begin_of_text|>", "lstrip": false}, "eos_token": "<|im_end|>",
             "add_bos_token": true, "clean_up_tokenization_spaces": true,
             "chat_template": [{"name": "tool_use", "template": "x"}, {"name": "default", "template": "{{ y }}"}]}
            """#)
        let config = try TokenizerConfig(directory: directory.url)
        #expect(config.bosToken == "<|begin_of_text|>")
        #expect(config.eosToken == "<|im_end|>")
        #expect(config.addBOSToken && !config.addEOSToken)
        #expect(config.cleanUpTokenizationSpaces)
        #expect(config.chatTemplate == "{{ y }}")
    }

    @Test func readsChatTemplateJinjaFile() throws {
        let directory = try TemporaryDirectory()
        try directory.write("tokenizer_config.json", #"{"bos_token": null}"#)
        try directory.write("chat_template.jinja", "{{ bos_token }}")
        let config = try TokenizerConfig(directory: directory.url)
        #expect(config.bosToken == nil)
        #expect(config.chatTemplate == "{{ bos_token }}")
    }

    @Test func cleanUpRemovesSpacesBeforePunctuation() {
        #expect(Tokenizer.cleanUpTokenizationSpaces("Yes , it is n't . Really ?") == "Yes, it isn't. Really?")
    }
}
