import Foundation

/// The parts of `tokenizer_config.json` (transformers' settings) that change encoding and chat.
struct TokenizerConfig: Sendable {
    var bosToken: String?
    var eosToken: String?
    /// Add BOS when encoding with special tokens and `tokenizer.json` has no post-processor that does.
    var addBOSToken = false
    var addEOSToken = false
    /// The Jinja chat template, from `chat_template` or a `chat_template.jinja` file next to the config.
    var chatTemplate: String?
    /// transformers' `clean_up_tokenization_spaces` (" ." -> "." and similar) applied by `decode`.
    var cleanUpTokenizationSpaces = false

    init() {}

    /// Reads `tokenizer_config.json` in `directory`; a missing file gives the defaults above.
    init(directory: URL) throws {
        let url = directory.appendingPathComponent("tokenizer_config.json")
        let jinja = directory.appendingPathComponent("chat_template.jinja")
        if FileManager.default.fileExists(atPath: url.path) {
            let json = try JSONReader.load(url)
            bosToken = try Self.tokenContent(json, "bos_token")
            eosToken = try Self.tokenContent(json, "eos_token")
            addBOSToken = json.bool("add_bos_token", default: false)
            addEOSToken = json.bool("add_eos_token", default: false)
            cleanUpTokenizationSpaces = json.bool("clean_up_tokenization_spaces", default: false)
            chatTemplate = try Self.chatTemplate(json)
        }
        if chatTemplate == nil, FileManager.default.fileExists(atPath: jinja.path) {
            guard let text = try? String(contentsOf: jinja, encoding: .utf8) else {
                throw TokenizerError.invalidJSON(path: jinja.path, reason: "not UTF-8 text")
            }
            chatTemplate = text
        }
    }

    /// A special token given as a string or as an AddedToken object `{"content": ...}`.
    private static func tokenContent(_ json: JSONReader, _ key: String) throws -> String? {
        if json.isNull(key) { return nil }
        if let text = json.optionalString(key) { return text }
        return try json.child(key).string("content")
    }

    /// `chat_template` as a string, or a list of `{name, template}` (the one named "default").
    private static func chatTemplate(_ json: JSONReader) throws -> String? {
        if json.isNull("chat_template") { return nil }
        if let text = json.optionalString("chat_template") { return text }
        let named = try json.children("chat_template")
        guard let chosen = named.first(where: { $0.optionalString("name") == "default" }) ?? named.first else {
            return nil
        }
        return try chosen.string("template")
    }
}
