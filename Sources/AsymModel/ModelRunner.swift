import AsymCore
import CPUKernels
import Foundation

/// A loaded model plus its KV arena: the real `ModelExecutor`.
public final class ModelRunner: ModelExecutor, @unchecked Sendable {
    public let model: LlamaModel
    public let arena: KVArena
    private let scratch = ForwardScratch()
    public let generationConfig: GenerationConfig
    /// Where the model came from: a directory path or a builtin name.
    public let source: String

    /// `kvElementType` .f16 halves KV memory and the bytes decode attention reads; .f32 keeps
    /// K/V exactly as computed (the Hugging Face parity tests' tolerance assumes it).
    public init(model: LlamaModel, generationConfig: GenerationConfig = GenerationConfig(), source: String,
                blockCount: Int, blockSize: Int = 16, kvElementType: KVElementType = .f32) {
        self.model = model
        self.generationConfig = generationConfig
        self.source = source
        arena = KVArena(layerCount: model.config.layerCount, blockCount: blockCount, blockSize: blockSize,
                        slotWidth: model.config.kvWidth, elementType: kvElementType)
    }

    /// Loads a Hugging Face model directory (config.json, generation_config.json, safetensors).
    public convenience init(directory: URL, blockCount: Int, blockSize: Int = 16,
                            kvElementType: KVElementType = .f32) throws {
        let config = try ModelConfig.load(directory: directory)
        let store = try WeightStore(directory: directory)
        let weights = try LlamaWeights.load(from: store, config: config)
        self.init(model: LlamaModel(config: config, weights: weights),
                  generationConfig: try GenerationConfig.load(directory: directory),
                  source: directory.path, blockCount: blockCount, blockSize: blockSize, kvElementType: kvElementType)
    }

    public var config: ModelConfig { model.config }
    public var vocabularySize: Int { model.config.vocabularySize }
    public var blockSize: Int { arena.blockSize }
    public var blockCount: Int { arena.blockCount }
    /// KV bytes one token occupies (all layers, keys and values).
    public var kvBytesPerToken: Int { 2 * model.config.layerCount * model.config.kvWidth * arena.elementType.byteCount }

    public func execute(_ plan: BatchPlan) throws -> [SequenceLogits] {
        try model.forward(plan, arena: arena, scratch: scratch)
    }

    /// End-of-sequence ids: generation_config.json's, else config.json's.
    public var eosTokenIDs: [Int32] {
        generationConfig.eosTokenIDs.isEmpty ? model.config.eosTokenIDs : generationConfig.eosTokenIDs
    }
}
