import AsymEngine
import AsymModel
import AsymTokenizer

/// The model an application serves: its public name, its limits, and the running engine.
public final class ServedModel: Sendable {
    /// What clients pass as `model` and what `/v1/models` lists.
    public let name: String
    /// Largest prompt + output length in tokens (the model's context limit).
    public let contextLimit: Int
    public let vocabularySize: Int
    public let engine: Engine
    /// Unix time the model was loaded (`created` in `/v1/models`).
    public let created: Int

    public init(name: String, contextLimit: Int, vocabularySize: Int, engine: Engine, created: Int) {
        self.name = name
        self.contextLimit = contextLimit
        self.vocabularySize = vocabularySize
        self.engine = engine
        self.created = created
    }

    /// Starts an engine for `model` as `config` describes.
    public convenience init(model: LoadedModel, config: ServerConfig, now: Int) {
        let core = model.makeEngine(
            policy: config.policy, kvCacheTokens: config.kvCacheTokens, budget: config.budget,
            costModel: config.costModel, maxRunningSequences: config.maxRunningSequences,
            maxWaitingRequests: config.maxWaitingRequests, admissionOrder: config.admissionOrder)
        self.init(name: config.servedModelName ?? model.name, contextLimit: model.config.maxPositionEmbeddings,
                  vocabularySize: model.config.vocabularySize, engine: Engine(core: core), created: now)
    }
}
