/// How to pick the next token. `temperature == 0` is greedy.
public struct SamplingParams: Equatable, Sendable {
    public var temperature: Float
    public var topK: Int
    public var topP: Float
    public var maxTokens: Int
    public var stopTokenIDs: [TokenID]
    public var stopStrings: [String]
    /// With a seed, a request's sampled tokens do not depend on the batch it runs in.
    public var seed: UInt64?
    public var ignoreEOS: Bool

    public init(
        temperature: Float = 0, topK: Int = 0, topP: Float = 1, maxTokens: Int = 64,
        stopTokenIDs: [TokenID] = [], stopStrings: [String] = [], seed: UInt64? = nil, ignoreEOS: Bool = false
    ) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.maxTokens = maxTokens
        self.stopTokenIDs = stopTokenIDs
        self.stopStrings = stopStrings
        self.seed = seed
        self.ignoreEOS = ignoreEOS
    }

    public static let greedy = SamplingParams()
}
