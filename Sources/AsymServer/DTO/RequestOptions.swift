import AsymCore
import AsymEngine

/// The fields `/v1/completions` and `/v1/chat/completions` share, decoded from the top level of
/// the body, including the cache-aware extensions a client sends as `extra_body`
/// (`session_id` or `job_id`, `pin_ttl`, `cache_salt`). Unknown fields are ignored.
struct RequestOptions: Decodable, Sendable {
    var model: String?
    var maxTokens: Int?
    var maxCompletionTokens: Int?
    var temperature: Double?
    var topP: Double?
    var topK: Int?
    var n: Int?
    var bestOf: Int?
    var stream: Bool?
    var streamOptions: StreamOptions?
    var stop: StopSequences?
    var seed: Int64?
    var ignoreEOS: Bool?
    var sessionID: String?
    var jobID: String?
    /// Seconds to keep the request's KV pinned after it ends (an agent paused on a tool call).
    var pinTTL: Double?
    var cacheSalt: String?
    var user: String?

    struct StreamOptions: Decodable, Sendable {
        var includeUsage: Bool?
        enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
    }

    enum CodingKeys: String, CodingKey {
        case model, temperature, n, stream, stop, seed, user
        case maxTokens = "max_tokens", maxCompletionTokens = "max_completion_tokens", topP = "top_p", topK = "top_k"
        case bestOf = "best_of", streamOptions = "stream_options", ignoreEOS = "ignore_eos"
        case sessionID = "session_id", jobID = "job_id", pinTTL = "pin_ttl", cacheSalt = "cache_salt"
    }

    var isStreaming: Bool { stream ?? false }
    var includeUsage: Bool { streamOptions?.includeUsage ?? false }

    /// Checks every value and builds the sampling parameters. `defaultMaxTokens` applies when the
    /// client sets neither `max_tokens` nor `max_completion_tokens`.
    func samplingParams(defaultMaxTokens: Int) throws(APIError) -> SamplingParams {
        if let n, n != 1 { throw .invalid("only n = 1 is supported (got \(n))", param: "n", code: "unsupported_value") }
        if let bestOf, bestOf != 1 {
            throw .invalid("only best_of = 1 is supported (got \(bestOf))", param: "best_of", code: "unsupported_value")
        }
        if streamOptions != nil && !isStreaming {
            throw .invalid("stream_options is only allowed when stream is true", param: "stream_options")
        }
        let maxTokens = maxCompletionTokens ?? maxTokens ?? defaultMaxTokens
        guard maxTokens >= 1 else {
            throw .invalid("max_tokens must be at least 1 (got \(maxTokens))",
                           param: maxCompletionTokens != nil ? "max_completion_tokens" : "max_tokens")
        }
        let temperature = temperature ?? 1
        guard temperature.isFinite, (0 ... 2).contains(temperature) else {
            throw .invalid("temperature must be between 0 and 2 (got \(temperature))", param: "temperature")
        }
        let topP = topP ?? 1
        guard topP.isFinite, topP > 0, topP <= 1 else {
            throw .invalid("top_p must be in (0, 1] (got \(topP))", param: "top_p")
        }
        let topK = topK ?? 0
        guard topK >= 0 || topK == -1 else { throw .invalid("top_k must be -1, 0 or positive (got \(topK))", param: "top_k") }
        let stops = stop?.values ?? []
        if stops.contains(where: \.isEmpty) { throw .invalid("stop sequences must not be empty", param: "stop") }
        if let pinTTL, !(pinTTL.isFinite && pinTTL >= 0 && pinTTL <= 86_400) {
            throw .invalid("pin_ttl must be between 0 and 86400 seconds (got \(pinTTL))", param: "pin_ttl")
        }
        return SamplingParams(
            temperature: Float(temperature), topK: max(0, topK), topP: Float(topP), maxTokens: maxTokens,
            stopStrings: stops, seed: seed.map { UInt64(bitPattern: $0) }, ignoreEOS: ignoreEOS ?? false)
    }

    /// The engine request for `prompt`, with the cache-aware extensions.
    func generationRequest(prompt: GenerationRequest.Prompt, defaultMaxTokens: Int) throws(APIError)
        -> GenerationRequest
    {
        GenerationRequest(prompt: prompt, sampling: try samplingParams(defaultMaxTokens: defaultMaxTokens),
                          sessionID: sessionID ?? jobID, pinTTL: pinTTL, cacheSalt: cacheSalt)
    }
}

/// `stop`: a string or an array of strings.
struct StopSequences: Decodable, Sendable {
    var values: [String]

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let one = try? container.decode(String.self) {
            values = [one]
        } else if let many = try? container.decode([String].self) {
            values = many
        } else {
            throw DecodingError.typeMismatch(
                [String].self, .init(codingPath: decoder.codingPath,
                                     debugDescription: "stop must be a string or an array of strings"))
        }
    }
}
