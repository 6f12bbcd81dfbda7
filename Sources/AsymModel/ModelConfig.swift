import Foundation

/// The parts of a Hugging Face `config.json` that the Llama family (Llama, Mistral, Qwen2) needs.
///
/// Both RoPE forms are read: the older top-level `rope_theta` / `rope_scaling`, and the newer
/// `rope_parameters` object that transformers 5 writes.
public struct ModelConfig: Sendable, Equatable {
    public static let supportedArchitectures = ["LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM"]

    public enum Family: String, Sendable { case llama, mistral, qwen2 }

    public var architecture: String
    public var family: Family
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var kvHeadCount: Int
    public var headDim: Int
    public var vocabularySize: Int
    public var rmsNormEpsilon: Float
    public var maxPositionEmbeddings: Int
    public var tieWordEmbeddings: Bool
    /// q/k/v projections carry biases (Qwen2; Llama with `attention_bias`).
    public var attentionBias: Bool
    /// Keys older than this many positions are not attended (Mistral, Qwen2 when enabled).
    public var slidingWindow: Int?
    public var rope: RopeParameters
    public var bosTokenID: Int32?
    public var eosTokenIDs: [Int32]

    public var queryWidth: Int { headCount * headDim }
    public var kvWidth: Int { kvHeadCount * headDim }

    /// Loads `config.json` from a model directory.
    public static func load(directory: URL) throws -> ModelConfig {
        let url = directory.appendingPathComponent("config.json")
        return try ModelConfig(json: try JSONFile.object(at: url), path: url.path)
    }

    public init(json: [String: Any], path: String) throws {
        let c = ConfigReader(json: json, path: path)
        let architectures: [String] = try c.optional("architectures") ?? []
        guard let arch = architectures.first else { throw ModelLoadError.missingConfigKey(path: path, key: "architectures") }
        switch arch {
        case "LlamaForCausalLM": family = .llama
        case "MistralForCausalLM": family = .mistral
        case "Qwen2ForCausalLM": family = .qwen2
        default: throw ModelLoadError.unsupportedArchitecture(path: path, architecture: arch)
        }
        architecture = arch
        hiddenSize = try c.positiveInt("hidden_size")
        intermediateSize = try c.positiveInt("intermediate_size")
        layerCount = try c.positiveInt("num_hidden_layers")
        headCount = try c.positiveInt("num_attention_heads")
        kvHeadCount = try c.optional("num_key_value_heads") ?? headCount
        headDim = try c.optional("head_dim") ?? hiddenSize / headCount
        vocabularySize = try c.positiveInt("vocab_size")
        rmsNormEpsilon = Float(try c.optional("rms_norm_eps") ?? 1e-6 as Double)
        maxPositionEmbeddings = try c.optional("max_position_embeddings") ?? 2048
        tieWordEmbeddings = try c.optional("tie_word_embeddings") ?? false
        attentionBias = family == .qwen2 ? true : (try c.optional("attention_bias") ?? false)
        if family == .qwen2 {
            let enabled: Bool = try c.optional("use_sliding_window") ?? false
            slidingWindow = enabled ? try c.optional("sliding_window") : nil
        } else {
            slidingWindow = try c.optional("sliding_window")
        }
        rope = try RopeParameters(config: c, headDim: headDim)
        bosTokenID = try c.optional("bos_token_id").map { (v: Int) in Int32(v) }
        eosTokenIDs = try c.tokenIDList("eos_token_id")
        guard kvHeadCount > 0, headCount % kvHeadCount == 0 else {
            throw ModelLoadError.invalidConfigValue(path: path, key: "num_key_value_heads",
                reason: "\(kvHeadCount) does not divide num_attention_heads \(headCount)")
        }
        guard headDim % 2 == 0 else {
            throw ModelLoadError.invalidConfigValue(path: path, key: "head_dim", reason: "must be even for RoPE")
        }
        if let w = slidingWindow, w <= 0 {
            throw ModelLoadError.invalidConfigValue(path: path, key: "sliding_window", reason: "must be positive")
        }
    }
}

/// Typed access to a decoded JSON object, with errors that name the file and key.
struct ConfigReader {
    let json: [String: Any]
    let path: String

    func optional<T>(_ key: String) throws -> T? {
        guard let raw = json[key], !(raw is NSNull) else { return nil }
        if let v = raw as? T { return v }
        // JSONSerialization gives NSNumber; bridge numbers explicitly.
        if let n = raw as? NSNumber {
            if T.self == Int.self, n.doubleValue == n.doubleValue.rounded() { return n.intValue as? T }
            if T.self == Double.self { return n.doubleValue as? T }
            if T.self == Bool.self { return n.boolValue as? T }
        }
        throw ModelLoadError.invalidConfigValue(path: path, key: key, reason: "expected \(T.self), found \(raw)")
    }

    func positiveInt(_ key: String) throws -> Int {
        guard let v: Int = try optional(key) else { throw ModelLoadError.missingConfigKey(path: path, key: key) }
        guard v > 0 else { throw ModelLoadError.invalidConfigValue(path: path, key: key, reason: "must be positive") }
        return v
    }

    /// An id or a list of ids (`eos_token_id` comes in both shapes).
    func tokenIDList(_ key: String) throws -> [Int32] {
        if let one: Int = try? optional(key) { return [Int32(one)] }
        guard let raw = json[key], !(raw is NSNull) else { return [] }
        guard let list = raw as? [NSNumber] else {
            throw ModelLoadError.invalidConfigValue(path: path, key: key, reason: "expected an id or a list of ids")
        }
        return list.map { Int32($0.intValue) }
    }

    func nested(_ key: String) throws -> ConfigReader? {
        guard let raw = json[key], !(raw is NSNull) else { return nil }
        guard let object = raw as? [String: Any] else {
            throw ModelLoadError.invalidConfigValue(path: path, key: key, reason: "expected an object")
        }
        return ConfigReader(json: object, path: path)
    }
}

enum JSONFile {
    /// Reads a JSON object, naming the file in every error.
    static func object(at url: URL) throws -> [String: Any] {
        guard FileManager.default.fileExists(atPath: url.path) else { throw ModelLoadError.missingFile(path: url.path) }
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw ModelLoadError.missingFile(path: url.path) }
        let decoded: Any
        do { decoded = try JSONSerialization.jsonObject(with: data) } catch {
            throw ModelLoadError.invalidJSON(path: url.path, reason: "\(error.localizedDescription)")
        }
        guard let object = decoded as? [String: Any] else {
            throw ModelLoadError.invalidJSON(path: url.path, reason: "top level is not an object")
        }
        return object
    }
}
