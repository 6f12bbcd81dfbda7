import AsymCore
import AsymCost
import AsymDefaultModel
import AsymKV
import AsymModel
import AsymScheduler
import AsymTokenizer
import CPUKernels
import Foundation

/// A model ready to serve: weights, tokenizer and generation defaults, loaded once and shared by
/// every engine built from it (each engine gets its own KV arena).
public final class LoadedModel: @unchecked Sendable {
    public let model: LlamaModel
    public let tokenizer: Tokenizer?
    public let generationConfig: GenerationConfig
    /// What the user named: a directory path, `builtin:NAME`, or the default model's name.
    public let name: String
    /// Element type of every engine's KV arena: `.f32` (default, exact against float32 references)
    /// or `.f16` (half the KV memory and bandwidth; still bit-identical across policies, chunkings
    /// and batches, since each position's K/V is rounded once when written).
    public let kvElementType: KVElementType

    public init(model: LlamaModel, tokenizer: Tokenizer?, generationConfig: GenerationConfig, name: String,
                kvElementType: KVElementType = .f32) {
        self.model = model
        self.tokenizer = tokenizer
        self.generationConfig = generationConfig
        self.name = name
        self.kvElementType = kvElementType
    }

    /// Loads `spec`: nil for the embedded kjv-llama-12m, a Hugging Face directory, or
    /// `builtin:NAME` (random weights of `weightType`, no tokenizer).
    public static func load(_ spec: String?, weightType: WeightType = .f32, kvElementType: KVElementType = .f32) throws -> LoadedModel {
        if let spec, spec.hasPrefix("builtin:") {
            let name = String(spec.dropFirst("builtin:".count))
            guard let model = BuiltinModels.make(named: name, weightType: weightType) else {
                throw EngineError.invalidRequest("unknown builtin model \(name) (known: \(BuiltinModels.names.joined(separator: ", ")))")
            }
            return LoadedModel(model: model, tokenizer: nil, generationConfig: GenerationConfig(), name: spec,
                               kvElementType: kvElementType)
        }
        let directory = spec.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? DefaultModel.directory
        let config = try ModelConfig.load(directory: directory)
        let weights = try LlamaWeights.load(from: WeightStore(directory: directory), config: config)
        return LoadedModel(
            model: LlamaModel(config: config, weights: weights), tokenizer: try Tokenizer.load(directory: directory),
            generationConfig: try GenerationConfig.load(directory: directory),
            name: spec == nil ? DefaultModel.name : directory.lastPathComponent, kvElementType: kvElementType)
    }

    public var config: ModelConfig { model.config }

    /// End-of-sequence ids: generation_config.json's, else config.json's, plus the tokenizer's.
    public var eosTokenIDs: [TokenID] {
        var ids = generationConfig.eosTokenIDs.isEmpty ? config.eosTokenIDs : generationConfig.eosTokenIDs
        for id in tokenizer?.eosTokenIDs ?? [] where !ids.contains(id) { ids.append(id) }
        return ids
    }

    /// A new engine core over a fresh KV arena of `kvCacheTokens` tokens (rounded up to blocks).
    /// `admissionOrder` nil: the policy's default (`AdmissionOrder.default(for:)`).
    public func makeEngine(
        policy: PolicyKind, kvCacheTokens: Int, budget: TokenBudget, costModel: CostModel,
        maxRunningSequences: Int = 256, maxWaitingRequests: Int = 4096, admissionOrder: AdmissionOrder? = nil,
        blockSize: Int = 16, clock: @escaping () -> Double = EngineClock.monotonicSeconds
    ) -> EngineCore {
        let blocks = max(1, (kvCacheTokens + blockSize - 1) / blockSize)
        let runner = ModelRunner(model: model, generationConfig: generationConfig, source: name, blockCount: blocks,
                                 blockSize: blockSize, kvElementType: kvElementType)
        let config = EngineConfig(
            policy: policy,
            scheduler: SchedulerConfig(budget: budget, maxRunningSequences: maxRunningSequences,
                                       maxWaitingRequests: maxWaitingRequests,
                                       admissionOrder: admissionOrder ?? .default(for: policy)),
            contextLimit: model.config.maxPositionEmbeddings)
        return EngineCore(executor: runner, tokenizer: tokenizer, eosTokenIDs: eosTokenIDs, costModel: costModel,
                          config: config, clock: clock)
    }
}

/// Clocks the engine can run on.
public enum EngineClock {
    /// Seconds since an arbitrary fixed point, never going backwards.
    @Sendable public static func monotonicSeconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }
}
