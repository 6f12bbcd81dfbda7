import Foundation

/// The embedded default model, `kjv-llama-12m`: a 12.6M-parameter Llama trained on the King
/// James Bible (bf16, sharded safetensors, byte-level BPE, ChatML). Used whenever no model is given.
public enum DefaultModel {
    public static let name = "kjv-llama-12m"

    /// The model's Hugging Face directory inside this package's resources.
    public static var directory: URL {
        Bundle.module.resourceURL!.appendingPathComponent(name, isDirectory: true)
    }
}
