import Foundation

/// Rotary position embedding settings and the per-pair inverse frequencies they imply.
///
/// Supported `rope_type`s: `default`, `linear` and `llama3` (Llama 3.1+), computed as Hugging Face's
/// `modeling_rope_utils` does, in Float.
public struct RopeParameters: Sendable, Equatable {
    public var theta: Double
    public var type: String
    /// (headDim / 2) inverse frequencies; pair j rotates channel j with channel j + headDim/2.
    public var inverseFrequencies: [Float]

    init(config c: ConfigReader, headDim: Int) throws {
        // Newer form: rope_parameters {rope_type, rope_theta, ...}; older: rope_theta + rope_scaling.
        let parameters = try c.nested("rope_parameters")
        let scaling = try parameters ?? c.nested("rope_scaling")
        theta = try parameters?.optional("rope_theta") ?? c.optional("rope_theta") ?? 10000.0
        let typeName: String? = try scaling?.optional("rope_type") ?? scaling?.optional("type")
        type = typeName ?? "default"
        inverseFrequencies = RopeParameters.defaultInverseFrequencies(theta: theta, headDim: headDim)
        switch type {
        case "default":
            break
        case "linear":
            let factor: Double = try Self.required(scaling, "factor", c.path)
            inverseFrequencies = inverseFrequencies.map { $0 / Float(factor) }
        case "llama3":
            inverseFrequencies = Self.llama3(
                inverseFrequencies,
                factor: try Self.required(scaling, "factor", c.path),
                lowFrequencyFactor: try Self.required(scaling, "low_freq_factor", c.path),
                highFrequencyFactor: try Self.required(scaling, "high_freq_factor", c.path),
                originalContext: try Self.required(scaling, "original_max_position_embeddings", c.path))
        default:
            throw ModelLoadError.unsupportedRopeType(path: c.path, ropeType: type)
        }
    }

    public init(theta: Double, headDim: Int) {
        self.theta = theta
        self.type = "default"
        self.inverseFrequencies = Self.defaultInverseFrequencies(theta: theta, headDim: headDim)
    }

    private static func required(_ r: ConfigReader?, _ key: String, _ path: String) throws -> Double {
        guard let value: Double = try r?.optional(key) else {
            throw ModelLoadError.missingConfigKey(path: path, key: "rope_scaling.\(key)")
        }
        return value
    }

    /// `1 / theta^(2j / headDim)` in Float, as HF computes it.
    static func defaultInverseFrequencies(theta: Double, headDim: Int) -> [Float] {
        (0 ..< headDim / 2).map { j in 1 / powf(Float(theta), Float(2 * j) / Float(headDim)) }
    }

    /// Llama 3.1's frequency-dependent scaling: long wavelengths are divided by `factor`, short ones
    /// kept, and the band between is interpolated smoothly.
    static func llama3(
        _ base: [Float], factor: Double, lowFrequencyFactor: Double, highFrequencyFactor: Double, originalContext: Double
    ) -> [Float] {
        let lowWavelength = Float(originalContext / lowFrequencyFactor)
        let highWavelength = Float(originalContext / highFrequencyFactor)
        return base.map { f in
            let wavelength = 2 * Float.pi / f
            if wavelength < highWavelength { return f }
            if wavelength > lowWavelength { return f / Float(factor) }
            let smooth = (Float(originalContext) / wavelength - Float(lowFrequencyFactor))
                / Float(highFrequencyFactor - lowFrequencyFactor)
            return (1 - smooth) * f / Float(factor) + smooth * f
        }
    }
}
