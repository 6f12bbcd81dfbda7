import AsymCore
import AsymTokenizer

/// What a client asks the engine for.
public struct GenerationRequest: Sendable {
    public enum Prompt: Sendable {
        case tokens([TokenID])
        case text(String)
        case messages([ChatMessage])
    }

    public var prompt: Prompt
    public var sampling: SamplingParams
    /// Groups the turns of one conversation or agent job (informational; shown in metrics and logs).
    public var sessionID: String?
    /// Agents (Continuum-style): the job returns after a tool call, so when this request ends its
    /// blocks stay pinned for this many seconds, then become evictable.
    public var pinTTL: Double?
    /// Requests with different salts never share cache blocks.
    public var cacheSalt: String?
    /// Return the logits row of every sampled position in the summary (tests, losslessness checks).
    public var returnLogits: Bool

    public init(prompt: Prompt, sampling: SamplingParams = SamplingParams(), sessionID: String? = nil,
                pinTTL: Double? = nil, cacheSalt: String? = nil, returnLogits: Bool = false) {
        self.prompt = prompt
        self.sampling = sampling
        self.sessionID = sessionID
        self.pinTTL = pinTTL
        self.cacheSalt = cacheSalt
        self.returnLogits = returnLogits
    }
}

/// Why a request ended.
public enum FinishReason: String, Sendable, Codable {
    /// EOS, a stop token id or a stop string.
    case stop
    /// `maxTokens` reached, or the model's context limit.
    case length
    case cancelled
    case error
}

/// Streamed to the client of one request. The stream ends after `.finished`.
public enum GenerationEvent: Sendable {
    /// A new token and the text it completes (possibly empty: text is held back until UTF-8 and
    /// stop strings are settled).
    case token(TokenID, text: String)
    case finished(GenerationSummary)
}

/// Usage and timings of a finished request. Times are seconds on the engine's clock.
public struct GenerationSummary: Sendable {
    public var requestID: RequestID
    public var finishReason: FinishReason
    public var error: String?
    public var promptTokenCount: Int
    public var outputTokens: [TokenID]
    public var text: String
    /// Prompt tokens found in the cache, and the hole and suffix tokens computed (all admissions).
    public var cachedTokenCount: Int
    public var holeTokenCount: Int
    public var suffixTokenCount: Int
    public var preemptionCount: Int
    public var arrivalTime: Double
    public var firstTokenTime: Double?
    public var finishTime: Double
    /// Time of each output token.
    public var tokenTimes: [Double]
    /// Logits rows of every sampled position, when requested.
    public var logits: [[Float]]

    public var timeToFirstToken: Double? { firstTokenTime.map { $0 - arrivalTime } }
    /// Mean time per output token after the first.
    public var timePerOutputToken: Double? {
        guard tokenTimes.count > 1 else { return nil }
        return (tokenTimes.last! - tokenTimes.first!) / Double(tokenTimes.count - 1)
    }
    public var endToEndLatency: Double { finishTime - arrivalTime }
}
