import Foundation

/// Fixtures shared by test targets: the random-weight tiny-llama from Hugging Face with its
/// golden outputs (see `tiny-llama/golden.json`).
public enum TestFixtures {
    public static var tinyLlama: URL {
        Bundle.module.resourceURL!.appendingPathComponent("tiny-llama/model", isDirectory: true)
    }
    public static var tinyLlamaGolden: URL {
        Bundle.module.resourceURL!.appendingPathComponent("tiny-llama/golden.json")
    }
}
