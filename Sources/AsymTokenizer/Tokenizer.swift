import Foundation

/// A byte-level BPE tokenizer loaded from a Hugging Face model directory (`tokenizer.json` plus
/// `tokenizer_config.json`), matching Hugging Face `tokenizers` token for token.
///
/// Encoding: added tokens are found in the raw text first (leftmost, longest); each text run in
/// between is normalized, pre-tokenized and BPE-encoded; with `addSpecialTokens` the post-processor's
/// tokens (or, without one, BOS/EOS per `add_bos_token`/`add_eos_token`) are added around the result.
/// Immutable after loading, except for an internal locked word cache, so it can be shared freely.
public final class Tokenizer: Sendable {
    let definition: TokenizerDefinition
    let config: TokenizerConfig
    let addedTokenMatcher: AddedTokenMatcher
    /// The model directory's path, for error messages.
    let directoryPath: String

    /// Number of token ids (highest id + 1, counting added tokens).
    public let vocabularySize: Int
    /// The BOS id from `tokenizer_config.json`'s `bos_token`, if any.
    public let bosTokenID: Int32?
    /// The EOS id from `tokenizer_config.json`'s `eos_token` (the engine adds generation_config's).
    public let eosTokenIDs: [Int32]
    /// Ids of added tokens marked `special` (dropped by `decode(skipSpecialTokens: true)`).
    public let specialTokenIDs: Set<Int32>
    /// Ids added before / after the text when encoding with special tokens.
    let specialPrefix: [Int32]
    let specialSuffix: [Int32]

    init(definition: TokenizerDefinition, config: TokenizerConfig, directoryPath: String) throws {
        self.definition = definition
        self.config = config
        self.directoryPath = directoryPath
        addedTokenMatcher = AddedTokenMatcher(tokens: definition.addedTokens)
        vocabularySize = definition.tokenBytes.count
        specialTokenIDs = Set(definition.addedTokens.filter(\.isSpecial).map(\.id))
        let configPath = directoryPath + "/tokenizer_config.json"
        func id(of token: String?) throws -> Int32? {
            guard let token else { return nil }
            guard let id = definition.idForToken[token] else {
                throw TokenizerError.unknownToken(path: configPath, token: token)
            }
            return id
        }
        bosTokenID = try id(of: config.bosToken)
        let eosTokenID = try id(of: config.eosToken)
        eosTokenIDs = eosTokenID.map { [$0] } ?? []
        if let template = definition.specialTokenTemplate {
            (specialPrefix, specialSuffix) = template
        } else {
            specialPrefix = config.addBOSToken ? bosTokenID.map { [$0] } ?? [] : []
            specialSuffix = config.addEOSToken ? eosTokenID.map { [$0] } ?? [] : []
        }
    }

    /// Token ids of `text`; `addSpecialTokens` adds BOS (and whatever else the model's rule adds).
    public func encode(_ text: String, addSpecialTokens: Bool = true) -> [Int32] {
        let bytes = Array(text.utf8)
        var ids: [Int32] = []
        ids.reserveCapacity(bytes.count / 3 + 4)
        if addSpecialTokens { ids += specialPrefix }
        for segment in addedTokenMatcher.segments(of: bytes) {
            switch segment {
            case .added(let id):
                ids.append(id)
            case .text(let range):
                var run = bytes[range]
                if let normalizer = definition.normalizer {
                    run = ArraySlice(normalizer.apply(String(decoding: run, as: UTF8.self)).utf8)
                }
                for word in definition.preTokenizer.words(of: run) {
                    definition.model.encode(word: word, into: &ids)
                }
            }
        }
        if addSpecialTokens { ids += specialSuffix }
        return ids
    }

    /// The text of `ids`. Byte sequences that are not valid UTF-8 become U+FFFD, as in Hugging Face.
    /// Ids outside the vocabulary are skipped.
    public func decode(_ ids: [Int32], skipSpecialTokens: Bool = false) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ids.count * 4)
        for id in ids {
            if skipSpecialTokens, specialTokenIDs.contains(id) { continue }
            bytes += tokenBytes(id)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        return config.cleanUpTokenizationSpaces ? Self.cleanUpTokenizationSpaces(text) : text
    }

    /// The raw bytes token `id` stands for (empty for ids outside the vocabulary).
    public func tokenBytes(_ id: Int32) -> [UInt8] {
        guard id >= 0, Int(id) < definition.tokenBytes.count else { return [] }
        return definition.tokenBytes[Int(id)]
    }

    /// The id of a vocabulary or added token given by its string (byte-level form for vocabulary entries).
    public func tokenID(_ token: String) -> Int32? { definition.idForToken[token] }

    /// transformers' `clean_up_tokenization`: removes the space before common punctuation and contractions.
    static func cleanUpTokenizationSpaces(_ text: String) -> String {
        var result = text
        for (from, to) in [
            (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"), (" 'm", "'m"),
            (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
        ] {
            result = result.replacingOccurrences(of: from, with: to)
        }
        return result
    }
}
