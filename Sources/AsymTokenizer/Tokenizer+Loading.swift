import Foundation

extension Tokenizer {
    /// Loads `tokenizer.json` (required) and `tokenizer_config.json` (optional) from `directory`.
    ///
    /// Throws `TokenizerError` naming the file (and key) for a missing or corrupt file, an unknown
    /// model/normalizer/pre-tokenizer/decoder type, or a token the vocabulary lacks.
    public static func load(directory: URL) throws -> Tokenizer {
        let json = try JSONReader.load(directory.appendingPathComponent("tokenizer.json"))
        let definition = try TokenizerDefinition(json)
        let config = try TokenizerConfig(directory: directory)
        return try Tokenizer(definition: definition, config: config, directoryPath: directory.path)
    }
}
