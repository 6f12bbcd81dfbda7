import AsymEngine

/// Token counts of one request, as OpenAI reports them; `cached_tokens` is the prompt prefix
/// (and holes) found in the KV cache.
struct Usage: Encodable, Sendable, Equatable {
    var promptTokens: Int
    var completionTokens: Int
    var totalTokens: Int
    var promptTokensDetails: PromptDetails

    struct PromptDetails: Encodable, Sendable, Equatable {
        var cachedTokens: Int
        enum CodingKeys: String, CodingKey { case cachedTokens = "cached_tokens" }
    }

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens", completionTokens = "completion_tokens", totalTokens = "total_tokens"
        case promptTokensDetails = "prompt_tokens_details"
    }

    init(_ summary: GenerationSummary) {
        promptTokens = summary.promptTokenCount
        completionTokens = summary.outputTokens.count
        totalTokens = promptTokens + completionTokens
        promptTokensDetails = PromptDetails(cachedTokens: min(summary.cachedTokenCount, summary.promptTokenCount))
    }
}

/// `GET /v1/models`.
struct ModelList: Encodable, Sendable {
    struct Model: Encodable, Sendable {
        var id: String
        var object = "model"
        var created: Int
        var ownedBy = "asymcache"
        var maxModelLen: Int
        enum CodingKeys: String, CodingKey { case id, object, created, ownedBy = "owned_by", maxModelLen = "max_model_len" }
    }
    var object = "list"
    var data: [Model]
}

/// `finish_reason` as OpenAI spells it (cancelled requests never reach a client).
func openAIFinishReason(_ reason: FinishReason) -> String {
    switch reason {
    case .stop: "stop"
    case .length: "length"
    case .cancelled: "abort"
    case .error: "error"
    }
}
