import AsymDefaultModel
import AsymModel
import ArgumentParser
import CPUKernels
import Foundation

/// `--model DIR | builtin:NAME`; the embedded kjv-llama-12m when absent.
struct ModelOption: ParsableArguments {
    @Option(name: .long, help: "A Hugging Face model directory, or builtin:bench-llama-110m. Default: the embedded kjv-llama-12m.")
    var model: String?

    @Option(name: .long, help: "Weight dtype for builtin models: f32, f16 or bf16.")
    var weights: String = "f32"

    @Option(name: .long, help: "KV cache element type: f32 or f16 (half the KV memory and bandwidth; outputs stay identical across policies).")
    var kvCacheDtype: String = "f32"

    func kvElementType() throws -> KVElementType {
        switch kvCacheDtype {
        case "f32": return .f32
        case "f16": return .f16
        default: throw ValidationError("--kv-cache-dtype must be f32 or f16")
        }
    }

    var directory: URL {
        model.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? DefaultModel.directory
    }

    var builtinName: String? {
        guard let m = model, m.hasPrefix("builtin:") else { return nil }
        return String(m.dropFirst("builtin:".count))
    }

    func weightType() throws -> WeightType {
        switch weights {
        case "f32": return .f32
        case "f16": return .f16
        case "bf16": return .bf16
        default: throw ValidationError("--weights must be f32, f16 or bf16")
        }
    }

    /// Loads the model alone (no arena).
    func loadModel() throws -> LlamaModel {
        if let name = builtinName {
            guard let model = BuiltinModels.make(named: name, weightType: try weightType()) else {
                throw ValidationError("unknown builtin model \(name) (known: \(BuiltinModels.names.joined(separator: ", ")))")
            }
            return model
        }
        let config = try ModelConfig.load(directory: directory)
        return LlamaModel(config: config, weights: try LlamaWeights.load(from: WeightStore(directory: directory), config: config))
    }
}
