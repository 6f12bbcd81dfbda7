import CPUKernels

/// The weights of one decoder layer. Matrices stay in their stored dtype (memory-mapped); norm
/// weights and biases are small and converted to Float once.
public struct LlamaLayerWeights: @unchecked Sendable {
    public var inputNorm: FloatVector            // (hidden)
    public var postAttentionNorm: FloatVector    // (hidden)
    public var query: WeightMatrix           // (heads * headDim, hidden)
    public var key: WeightMatrix             // (kvHeads * headDim, hidden)
    public var value: WeightMatrix           // (kvHeads * headDim, hidden)
    public var queryBias: FloatVector?           // (heads * headDim)
    public var keyBias: FloatVector?             // (kvHeads * headDim)
    public var valueBias: FloatVector?           // (kvHeads * headDim)
    public var output: WeightMatrix          // (hidden, heads * headDim)
    public var gate: WeightMatrix            // (intermediate, hidden)
    public var up: WeightMatrix              // (intermediate, hidden)
    public var down: WeightMatrix            // (hidden, intermediate)
}

/// All weights of a Llama-family model, plus whatever owns their memory.
public struct LlamaWeights: @unchecked Sendable {
    public var embedding: WeightMatrix       // (vocab, hidden)
    public var layers: [LlamaLayerWeights]
    public var finalNorm: FloatVector            // (hidden)
    public var lmHead: WeightMatrix          // (vocab, hidden); the embedding when tied
    /// Keeps the mapped files or allocated buffers alive.
    public var owner: AnyObject

    /// Binds every tensor of a Hugging Face Llama/Mistral/Qwen2 checkpoint, checking names and shapes.
    public static func load(from store: WeightStore, config c: ModelConfig) throws -> LlamaWeights {
        func matrix(_ name: String, _ rows: Int, _ columns: Int) throws -> WeightMatrix {
            let t = try store.tensor(name, shape: [rows, columns])
            return WeightMatrix(base: t.data, type: t.dtype.weightType, rows: rows, columns: columns)
        }
        func vector(_ name: String, _ count: Int) throws -> FloatVector {
            FloatVector(try store.tensor(name, shape: [count]).floats())
        }
        let h = c.hiddenSize
        var layers: [LlamaLayerWeights] = []
        for i in 0 ..< c.layerCount {
            let p = "model.layers.\(i)."
            layers.append(LlamaLayerWeights(
                inputNorm: try vector(p + "input_layernorm.weight", h),
                postAttentionNorm: try vector(p + "post_attention_layernorm.weight", h),
                query: try matrix(p + "self_attn.q_proj.weight", c.queryWidth, h),
                key: try matrix(p + "self_attn.k_proj.weight", c.kvWidth, h),
                value: try matrix(p + "self_attn.v_proj.weight", c.kvWidth, h),
                queryBias: c.attentionBias ? try vector(p + "self_attn.q_proj.bias", c.queryWidth) : nil,
                keyBias: c.attentionBias ? try vector(p + "self_attn.k_proj.bias", c.kvWidth) : nil,
                valueBias: c.attentionBias ? try vector(p + "self_attn.v_proj.bias", c.kvWidth) : nil,
                output: try matrix(p + "self_attn.o_proj.weight", h, c.queryWidth),
                gate: try matrix(p + "mlp.gate_proj.weight", c.intermediateSize, h),
                up: try matrix(p + "mlp.up_proj.weight", c.intermediateSize, h),
                down: try matrix(p + "mlp.down_proj.weight", h, c.intermediateSize)))
        }
        let embedding = try matrix("model.embed_tokens.weight", c.vocabularySize, h)
        let lmHead = c.tieWordEmbeddings && !store.contains("lm_head.weight")
            ? embedding : try matrix("lm_head.weight", c.vocabularySize, h)
        return LlamaWeights(embedding: embedding, layers: layers, finalNorm: try vector("model.norm.weight", h),
                            lmHead: lmHead, owner: store)
    }
}

extension TensorDType {
    var weightType: WeightType {
        switch self {
        case .f32: .f32
        case .f16: .f16
        case .bf16: .bf16
        }
    }
}

extension TensorView {
    /// The tensor's values converted to Float (exact for every supported dtype).
    public func floats() -> [Float] {
        let n = elementCount
        switch dtype {
        case .f32: return (0 ..< n).map { data.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) }
        case .f16: return (0 ..< n).map { Float(data.loadUnaligned(fromByteOffset: 2 * $0, as: Float16.self)) }
        case .bf16:
            return (0 ..< n).map {
                Float(bitPattern: UInt32(data.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)) << 16)
            }
        }
    }
}

/// A small owned Float vector (norm weights, biases) with a stable address for kernels.
public final class FloatVector: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int
    public init(_ values: [Float]) {
        count = values.count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(from: values, count: count)
    }
    deinit { pointer.deallocate() }
}
