extension Tokenizer {
    /// The chat format of `tokenizer_config.json`'s template.
    /// Throws `missingChatTemplate` or `unsupportedChatTemplate`.
    public func chatTemplateKind() throws -> ChatTemplateKind {
        guard let template = config.chatTemplate else {
            throw TokenizerError.missingChatTemplate(path: directoryPath + "/tokenizer_config.json")
        }
        return try ChatTemplateKind(template: template)
    }

    /// The prompt text for `messages`, as `apply_chat_template(tokenize=False)` renders it.
    public func renderChat(_ messages: [ChatMessage], addGenerationPrompt: Bool = true) throws -> String {
        try chatTemplateKind().render(messages, addGenerationPrompt: addGenerationPrompt, bosToken: config.bosToken)
    }

    /// Token ids of the rendered prompt. A template that renders `bos_token` is encoded without
    /// special tokens (the BOS is already in the text); otherwise special tokens are added, so the
    /// model's BOS rule applies exactly once.
    public func encodeChat(_ messages: [ChatMessage], addGenerationPrompt: Bool = true) throws -> [Int32] {
        let kind = try chatTemplateKind()
        let text = try kind.render(messages, addGenerationPrompt: addGenerationPrompt, bosToken: config.bosToken)
        return encode(text, addSpecialTokens: !kind.rendersBOS)
    }
}
