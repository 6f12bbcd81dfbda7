/// The dimensions of a Llama-style decoder that decide its KV and weight memory.
///
/// KV bytes per token = 2 (K and V) × layers × KV heads × head dim × bytes per element; weights =
/// parameter count × bytes per element (untied embeddings and LM head, SwiGLU MLP, RMSNorm).
public struct ModelShape: Sendable, Equatable {
    public var name: String
    public var layers: Int
    public var hiddenSize: Int
    public var attentionHeads: Int
    public var kvHeads: Int
    public var headDim: Int
    public var intermediateSize: Int
    public var vocabularySize: Int
    /// Largest position + 1 a sequence may reach.
    public var contextLimit: Int
    /// Bytes of one weight or KV element (2 for bf16).
    public var bytesPerElement: Int

    public init(name: String, layers: Int, hiddenSize: Int, attentionHeads: Int, kvHeads: Int, headDim: Int,
                intermediateSize: Int, vocabularySize: Int, contextLimit: Int, bytesPerElement: Int = 2) {
        self.name = name
        self.layers = layers
        self.hiddenSize = hiddenSize
        self.attentionHeads = attentionHeads
        self.kvHeads = kvHeads
        self.headDim = headDim
        self.intermediateSize = intermediateSize
        self.vocabularySize = vocabularySize
        self.contextLimit = contextLimit
        self.bytesPerElement = bytesPerElement
    }

    /// Llama-3(.1)-8B in bf16: 128 KiB of KV per token, about 16 GB of weights. The context limit
    /// is Llama-3.1's 128K (same shape as Llama-3-8B), so long Mooncake prompts are not clipped.
    public static let llama3_8B = ModelShape(
        name: "llama3-8b", layers: 32, hiddenSize: 4096, attentionHeads: 32, kvHeads: 8, headDim: 128,
        intermediateSize: 14336, vocabularySize: 128_256, contextLimit: 131_072)

    /// The embedded kjv-llama-12m (its config.json): for validating the simulator against `bench`
    /// on this machine, with the same workload shape (context 2,048, vocabulary 4,096).
    public static let kjvLlama12M = ModelShape(
        name: "kjv-llama-12m", layers: 6, hiddenSize: 384, attentionHeads: 6, kvHeads: 2, headDim: 64,
        intermediateSize: 1024, vocabularySize: 4096, contextLimit: 2048)

    public static let known: [ModelShape] = [.llama3_8B, .kjvLlama12M]

    public static func named(_ name: String) -> ModelShape? { known.first { $0.name == name } }

    /// K and V of one token over every layer.
    public var kvBytesPerToken: Int { 2 * layers * kvHeads * headDim * bytesPerElement }

    /// Embeddings, LM head, and per layer: Q, K, V, O projections, gate/up/down MLP, two norms;
    /// plus the final norm.
    public var parameterCount: Int {
        let attention = hiddenSize * attentionHeads * headDim * 2 + hiddenSize * kvHeads * headDim * 2
        let mlp = 3 * hiddenSize * intermediateSize
        let perLayer = attention + mlp + 2 * hiddenSize
        return 2 * vocabularySize * hiddenSize + layers * perLayer + hiddenSize
    }

    public var weightBytes: Int { parameterCount * bytesPerElement }

    /// KV tokens that fit in `gpuMemoryBytes` once the weights are loaded (nil when they do not fit).
    public func kvCapacityTokens(gpuMemoryBytes: Int) -> Int? {
        let free = gpuMemoryBytes - weightBytes
        return free > 0 ? free / kvBytesPerToken : nil
    }
}
