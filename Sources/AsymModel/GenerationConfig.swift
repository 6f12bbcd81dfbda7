import Foundation

/// `generation_config.json`: end-of-sequence ids and default sampling settings. Optional file.
public struct GenerationConfig: Sendable, Equatable {
    public var bosTokenID: Int32?
    public var eosTokenIDs: [Int32] = []
    public var temperature: Float?
    public var topK: Int?
    public var topP: Float?
    public var doSample: Bool = false

    public init() {}

    /// Reads the file if present; a missing file gives defaults, a broken one an error naming it.
    public static func load(directory: URL) throws -> GenerationConfig {
        let url = directory.appendingPathComponent("generation_config.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return GenerationConfig() }
        let r = ConfigReader(json: try JSONFile.object(at: url), path: url.path)
        var g = GenerationConfig()
        g.bosTokenID = try r.optional("bos_token_id").map { (v: Int) in Int32(v) }
        g.eosTokenIDs = try r.tokenIDList("eos_token_id")
        g.temperature = try r.optional("temperature").map { (v: Double) in Float(v) }
        g.topK = try r.optional("top_k")
        g.topP = try r.optional("top_p").map { (v: Double) in Float(v) }
        g.doSample = try r.optional("do_sample") ?? false
        return g
    }
}
