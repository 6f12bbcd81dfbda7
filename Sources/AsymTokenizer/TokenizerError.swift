/// Everything that can go wrong while loading a tokenizer or rendering a chat prompt.
///
/// File-related cases carry the path of the offending file and, where it applies, the JSON key,
/// so a message always says which file to look at.
public enum TokenizerError: Error, Equatable, CustomStringConvertible {
    /// The file does not exist (or the directory has no such file).
    case fileNotFound(path: String)
    /// The file exists but is not valid JSON (or not a JSON object at the top level).
    case invalidJSON(path: String, reason: String)
    /// A required key is absent or has the wrong JSON type.
    case missingKey(path: String, key: String)
    /// A key holds a value this tokenizer does not implement (for example `model.type: "WordPiece"`).
    case unsupported(path: String, key: String, value: String)
    /// A token named in the file (merge part, BOS/EOS, template special token) is not in the vocabulary.
    case unknownToken(path: String, token: String)
    /// The chat template is absent from `tokenizer_config.json` (and no `chat_template.jinja` exists).
    case missingChatTemplate(path: String)
    /// The chat template is not one of the formats this package renders (ChatML, Llama-3).
    case unsupportedChatTemplate(reason: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            "tokenizer file not found: \(path)"
        case .invalidJSON(let path, let reason):
            "\(path): not a valid JSON object (\(reason))"
        case .missingKey(let path, let key):
            "\(path): missing or mistyped key '\(key)'"
        case .unsupported(let path, let key, let value):
            "\(path): unsupported value '\(value)' for '\(key)'"
        case .unknownToken(let path, let token):
            "\(path): token '\(token)' is not in the vocabulary"
        case .missingChatTemplate(let path):
            "\(path): no chat_template (and no chat_template.jinja next to it)"
        case .unsupportedChatTemplate(let reason):
            "unsupported chat template: \(reason)"
        }
    }
}
