import AsymCore
import AsymEngine

/// The body of `POST /v1/completions`.
struct CompletionRequest: Decodable, Sendable {
    var prompt: PromptInput
    var echo: Bool?
    var suffix: String?
    var logprobs: Int?
    var options: RequestOptions

    enum CodingKeys: String, CodingKey { case prompt, echo, suffix, logprobs }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        prompt = try c.decode(PromptInput.self, forKey: .prompt)
        echo = try c.decodeIfPresent(Bool.self, forKey: .echo)
        suffix = try c.decodeIfPresent(String.self, forKey: .suffix)
        logprobs = try c.decodeIfPresent(Int.self, forKey: .logprobs)
        options = try RequestOptions(from: decoder)
    }

    /// The engine request; rejects the OpenAI features this server does not implement.
    func generationRequest(vocabularySize: Int) throws(APIError) -> GenerationRequest {
        if echo == true { throw .invalid("echo is not supported", param: "echo", code: "unsupported_value") }
        if let suffix, !suffix.isEmpty { throw .invalid("suffix is not supported", param: "suffix", code: "unsupported_value") }
        if logprobs != nil { throw .invalid("logprobs is not supported", param: "logprobs", code: "unsupported_value") }
        // OpenAI's default for completions is 16 tokens.
        return try options.generationRequest(prompt: try prompt.enginePrompt(vocabularySize: vocabularySize),
                                             defaultMaxTokens: 16)
    }
}

/// `prompt`: a string, token ids, or an array holding exactly one of either (batches of
/// several prompts are refused, like `n > 1`).
enum PromptInput: Decodable, Sendable {
    case text(String)
    case tokens([Int64])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let text = try? c.decode(String.self) {
            self = .text(text)
        } else if let tokens = try? c.decode([Int64].self) {
            self = .tokens(tokens)
        } else if let texts = try? c.decode([String].self) {
            guard texts.count == 1 else { throw Self.batchError(texts.count) }
            self = .text(texts[0])
        } else if let batches = try? c.decode([[Int64]].self) {
            guard batches.count == 1 else { throw Self.batchError(batches.count) }
            self = .tokens(batches[0])
        } else {
            throw DecodingError.typeMismatch(
                String.self, .init(codingPath: decoder.codingPath,
                                   debugDescription: "prompt must be a string, an array of token ids, or a one-element array of either"))
        }
    }

    private static func batchError(_ count: Int) -> APIError {
        .invalid("exactly one prompt per request is supported (got \(count))", param: "prompt", code: "unsupported_value")
    }

    func enginePrompt(vocabularySize: Int) throws(APIError) -> GenerationRequest.Prompt {
        switch self {
        case .text(let s):
            guard !s.isEmpty else { throw .invalid("prompt must not be empty", param: "prompt") }
            return .text(s)
        case .tokens(let ids):
            guard !ids.isEmpty else { throw .invalid("prompt must not be empty", param: "prompt") }
            if let bad = ids.first(where: { $0 < 0 || $0 >= Int64(vocabularySize) }) {
                throw .invalid("token id \(bad) is outside the vocabulary (0..<\(vocabularySize))", param: "prompt")
            }
            return .tokens(ids.map { TokenID($0) })
        }
    }
}
