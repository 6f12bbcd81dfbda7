import Foundation

/// Measured forward-pass times of one model on one machine: the input of `CostModel`.
///
/// Times are for the whole model (all layers), in milliseconds. Prefill rows time one sequence
/// computing `C` query tokens after a resident prefix of `P` tokens; decode rows time `B`
/// sequences each decoding one token over a context of `P` tokens, their own or a shared one.
public struct CostProfile: Codable, Equatable, Sendable {
    public struct PrefillRow: Codable, Equatable, Sendable {
        public var P: Int
        public var C: Int
        public var ms: Double
        public init(P: Int, C: Int, ms: Double) { (self.P, self.C, self.ms) = (P, C, ms) }
    }

    public struct DecodeRow: Codable, Equatable, Sendable {
        public var P: Int
        public var B: Int
        public var ms: Double
        /// Distinct context tokens the batch reads: `B·P` when every sequence has its own context
        /// (nil), `P` when all share one (the profiler measures both, so the model can tell the
        /// per-query attention work from the memory traffic of reading keys).
        public var distinctContext: Int?
        public init(P: Int, B: Int, ms: Double, distinctContext: Int? = nil) {
            (self.P, self.B, self.ms, self.distinctContext) = (P, B, ms, distinctContext)
        }
    }

    /// Always `CostProfile.formatName` once written.
    public var format: String
    public var device: String
    public var model: String
    public var prefill: [PrefillRow]
    public var decode: [DecodeRow]
    /// The engine's host time per step outside the pass (nil: not measured, e.g. GPU profiles).
    public var step: StepOverhead?

    public static let formatName = "asymcache-profile-v1"

    public init(device: String, model: String, prefill: [PrefillRow], decode: [DecodeRow], step: StepOverhead? = nil) {
        self.format = Self.formatName
        self.device = device
        self.model = model
        self.prefill = prefill
        self.decode = decode
        self.step = step
    }

    /// Reads either our own `asymcache-profile-v1` JSON or the per-layer H100 format
    /// (`prefill` rows `P, C, layer_ms`; `decode` rows `P, B, layer_ms`), scaled by `layerCount`.
    public static func decode(from data: Data, layerCount: Int = 32) throws -> CostProfile {
        let probe = try JSONDecoder().decode(FormatProbe.self, from: data)
        if probe.format == formatName {
            return try JSONDecoder().decode(CostProfile.self, from: data)
        }
        if probe.format != nil { throw CostModelError.unknownFormat(probe.format ?? "") }
        let layer = try JSONDecoder().decode(LayerProfile.self, from: data)
        let scale = Double(layerCount)
        return CostProfile(
            device: layer.meta?.gpu ?? "unknown",
            model: "per-layer profile × \(layerCount) layers",
            prefill: layer.prefill.map { PrefillRow(P: $0.P, C: $0.C, ms: $0.layer_ms * scale) },
            decode: layer.decode.map { DecodeRow(P: $0.P, B: $0.B, ms: $0.layer_ms * scale) })
    }

    public static func load(contentsOf url: URL, layerCount: Int = 32) throws -> CostProfile {
        try decode(from: Data(contentsOf: url), layerCount: layerCount)
    }

    /// The shipped H100 profile of a Llama-3-8B-shaped model (32 layers, bf16).
    public static func h100Llama3_8B() throws -> CostProfile {
        guard let url = Bundle.module.url(forResource: "h100-llama3-8b-layer", withExtension: "json", subdirectory: "Profiles")
        else { throw CostModelError.missingResource("Profiles/h100-llama3-8b-layer.json") }
        return try load(contentsOf: url, layerCount: 32)
    }

    /// The profile as `asymcache-profile-v1` JSON (sorted keys, so files diff cleanly).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}

public enum CostModelError: Error, Equatable, Sendable {
    case unknownFormat(String)
    case missingResource(String)
    case notEnoughRows(Int)
    case singularFit
}

private struct FormatProbe: Decodable { var format: String? }

private struct LayerProfile: Decodable {
    struct Meta: Decodable { var gpu: String? }
    struct Prefill: Decodable { var P: Int; var C: Int; var layer_ms: Double }
    struct Decode: Decodable { var P: Int; var B: Int; var layer_ms: Double }
    var meta: Meta?
    var prefill: [Prefill]
    var decode: [Decode]
}
