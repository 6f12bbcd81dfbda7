import AsymCore
import CPUKernels
import Foundation

/// Models built in memory from a config and a seed, so benchmarks need no large file.
///
/// `bench-llama-110m`: hidden 768, 12 layers, 12 query heads, 4 KV heads, head dim 64, FFN 2048,
/// vocab 32,000, untied embeddings, RoPE theta 10000; 124.7M parameters drawn from N(0, 0.02) (norm
/// weights 1). The weight dtype is chosen by the caller (F32, F16 or BF16).
public enum BuiltinModels {
    public static let names = ["bench-llama-110m"]

    public static func config(named name: String) -> ModelConfig? {
        guard name == "bench-llama-110m" else { return nil }
        let json: [String: Any] = [
            "architectures": ["LlamaForCausalLM"], "hidden_size": 768, "intermediate_size": 2048,
            "num_hidden_layers": 12, "num_attention_heads": 12, "num_key_value_heads": 4, "head_dim": 64,
            "vocab_size": 32000, "rms_norm_eps": 1e-5, "max_position_embeddings": 8192,
            "tie_word_embeddings": false, "rope_theta": 10000.0, "bos_token_id": 1, "eos_token_id": 2,
        ]
        return try? ModelConfig(json: json, path: "builtin:\(name)")
    }

    /// Builds the named model with random weights. Returns nil for an unknown name.
    public static func make(named name: String, weightType: WeightType = .f32, seed: UInt64 = 0) -> LlamaModel? {
        guard let c = config(named: name) else { return nil }
        let arena = WeightArena(type: weightType, seed: seed)
        let h = c.hiddenSize
        let layers = (0 ..< c.layerCount).map { _ in
            LlamaLayerWeights(
                inputNorm: FloatVector([Float](repeating: 1, count: h)),
                postAttentionNorm: FloatVector([Float](repeating: 1, count: h)),
                query: arena.matrix(c.queryWidth, h), key: arena.matrix(c.kvWidth, h), value: arena.matrix(c.kvWidth, h),
                queryBias: nil, keyBias: nil, valueBias: nil,
                output: arena.matrix(h, c.queryWidth),
                gate: arena.matrix(c.intermediateSize, h), up: arena.matrix(c.intermediateSize, h),
                down: arena.matrix(h, c.intermediateSize))
        }
        let weights = LlamaWeights(
            embedding: arena.matrix(c.vocabularySize, h), layers: layers,
            finalNorm: FloatVector([Float](repeating: 1, count: h)), lmHead: arena.matrix(c.vocabularySize, h),
            owner: arena)
        return LlamaModel(config: c, weights: weights)
    }
}

/// Owns randomly initialised weight matrices, N(0, 0.02), in one dtype.
final class WeightArena: @unchecked Sendable {
    let type: WeightType
    private var random: SplitMix64
    private var buffers: [UnsafeMutableRawPointer] = []

    init(type: WeightType, seed: UInt64) {
        self.type = type
        random = SplitMix64(seed: seed &+ 0x5DEE_CE66_D1CE_4E5B)
    }

    deinit { buffers.forEach { $0.deallocate() } }

    func matrix(_ rows: Int, _ columns: Int) -> WeightMatrix {
        let n = rows * columns
        let bytes = type == .f32 ? 4 : 2
        let base = UnsafeMutableRawPointer.allocate(byteCount: n * bytes, alignment: 64)
        buffers.append(base)
        for i in stride(from: 0, to: n, by: 2) {
            let (a, b) = normalPair()
            store(a * 0.02, at: i, in: base)
            if i + 1 < n { store(b * 0.02, at: i + 1, in: base) }
        }
        return WeightMatrix(base: UnsafeRawPointer(base), type: type, rows: rows, columns: columns)
    }

    private func store(_ value: Float, at i: Int, in base: UnsafeMutableRawPointer) {
        switch type {
        case .f32: base.storeBytes(of: value, toByteOffset: 4 * i, as: Float.self)
        case .f16: base.storeBytes(of: Float16(value), toByteOffset: 2 * i, as: Float16.self)
        case .bf16:  // round to nearest even
            let bits = value.bitPattern
            let rounded = (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16
            base.storeBytes(of: UInt16(truncatingIfNeeded: rounded), toByteOffset: 2 * i, as: UInt16.self)
        }
    }

    /// Two independent standard normals (Box–Muller) from a SplitMix64 stream.
    private func normalPair() -> (Float, Float) {
        let u1 = max(Float(random.next() >> 40) * 0x1p-24, 1e-12)
        let u2 = Float(random.next() >> 40) * 0x1p-24
        let r = (-2 * logf(u1)).squareRoot()
        return (r * cosf(2 * .pi * u2), r * sinf(2 * .pi * u2))
    }
}
