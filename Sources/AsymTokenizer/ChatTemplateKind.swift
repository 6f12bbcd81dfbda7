import Foundation

/// The chat formats this package renders, recognized from a Jinja `chat_template` string.
///
/// There is no Jinja interpreter: a template is classified by its markers and rendered natively.
/// Templates with features the native renderers do not reproduce (reasoning blocks, Llama-3.1 date
/// headers, other formats) are rejected with `TokenizerError.unsupportedChatTemplate`, never
/// rendered approximately.
public enum ChatTemplateKind: Sendable, Equatable {
    /// `<|im_start|>{role}\n{content}<|im_end|>\n` per message, then `<|im_start|>assistant\n`.
    /// - bosPrefix: the template starts with `{{ bos_token }}`.
    /// - defaultSystemPrompt: Qwen2-style system message inserted when the first message is not a
    ///   system message.
    case chatML(bosPrefix: Bool, defaultSystemPrompt: String?)
    /// Llama-3: `<|start_header_id|>{role}<|end_header_id|>\n\n{content}<|eot_id|>` per message,
    /// BOS before the first, then `<|start_header_id|>assistant<|end_header_id|>\n\n`.
    /// - bosPrefix: the template renders `bos_token`.
    /// - trimsContent: the template applies `| trim` to message contents (Llama-3.0 does).
    case llama3(bosPrefix: Bool, trimsContent: Bool)

    /// Markers of templates whose output the native renderers would get wrong.
    private static let unsupportedMarkers = [
        "<think>": "reasoning (<think>) blocks",
        "Cutting Knowledge Date": "Llama-3.1+ date and tool headers",
        "[INST]": "Llama-2/Mistral [INST] format",
        "<start_of_turn>": "Gemma turn format",
    ]

    /// Classifies `template`; throws `unsupportedChatTemplate` for anything else.
    public init(template: String) throws {
        for (marker, feature) in Self.unsupportedMarkers where template.contains(marker) {
            throw TokenizerError.unsupportedChatTemplate(reason: "uses \(feature)")
        }
        if template.contains("<|im_start|>"), template.contains("<|im_end|>") {
            let bosPrefix = Self.startsWithBOS(template)
            if Self.occurrences(of: "bos_token", in: template) > (bosPrefix ? 1 : 0) {
                throw TokenizerError.unsupportedChatTemplate(reason: "ChatML with bos_token other than at the start")
            }
            self = .chatML(bosPrefix: bosPrefix, defaultSystemPrompt: Self.defaultSystemPrompt(in: template))
        } else if ["<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"].allSatisfy(template.contains) {
            self = .llama3(bosPrefix: template.contains("bos_token"), trimsContent: template.contains("trim"))
        } else {
            throw TokenizerError.unsupportedChatTemplate(
                reason: "neither ChatML (<|im_start|>) nor Llama-3 (<|start_header_id|>): \(template.prefix(80))...")
        }
    }

    /// Whether rendering puts the BOS token in the text (then encode without special tokens).
    public var rendersBOS: Bool {
        switch self {
        case .chatML(let bosPrefix, _), .llama3(let bosPrefix, _): bosPrefix
        }
    }

    /// The prompt text; `bosToken` is the BOS token's text (required when `rendersBOS`).
    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool, bosToken: String?) throws -> String {
        var text = ""
        if rendersBOS {
            guard let bosToken else {
                throw TokenizerError.unsupportedChatTemplate(reason: "template renders bos_token but none is configured")
            }
            text += bosToken
        }
        switch self {
        case .chatML(_, let defaultSystemPrompt):
            if let defaultSystemPrompt, messages.first?.role != "system" {
                text += "<|im_start|>system\n\(defaultSystemPrompt)<|im_end|>\n"
            }
            for message in messages { text += "<|im_start|>\(message.role)\n\(message.content)<|im_end|>\n" }
            if addGenerationPrompt { text += "<|im_start|>assistant\n" }
        case .llama3(_, let trimsContent):
            for message in messages {
                let content = trimsContent ? message.content.trimmingCharacters(in: .whitespacesAndNewlines) : message.content
                text += "<|start_header_id|>\(message.role)<|end_header_id|>\n\n\(content)<|eot_id|>"
            }
            if addGenerationPrompt { text += "<|start_header_id|>assistant<|end_header_id|>\n\n" }
        }
        return text
    }

    /// True when the first `{{ ... }}` of the template is `{{ bos_token }}` (any whitespace control).
    private static func startsWithBOS(_ template: String) -> Bool {
        let trimmed = template.drop(while: \.isWhitespace)
        guard trimmed.hasPrefix("{{"), let close = trimmed.range(of: "}}") else { return false }
        let inner = trimmed[trimmed.index(trimmed.startIndex, offsetBy: 2)..<close.lowerBound]
        return inner.filter { !$0.isWhitespace && $0 != "-" } == "bos_token"
    }

    /// The literal text of a quoted `'<|im_start|>system\n...<|im_end|>'` in the template, if any.
    private static func defaultSystemPrompt(in template: String) -> String? {
        for opener in ["'<|im_start|>system\\n", "'<|im_start|>system\n", "\"<|im_start|>system\\n"] {
            var searchStart = template.startIndex
            while let start = template.range(of: opener, range: searchStart..<template.endIndex),
                let end = template.range(of: "<|im_end|>", range: start.upperBound..<template.endIndex)
            {
                searchStart = start.upperBound
                let literal = template[start.upperBound..<end.lowerBound]
                // Only a plain literal (no concatenation or expression) is a default prompt.
                if literal.contains(where: { "'\"+{}".contains($0) }) { continue }
                return literal.replacingOccurrences(of: "\\n", with: "\n")
            }
        }
        return nil
    }

    private static func occurrences(of needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }
}
