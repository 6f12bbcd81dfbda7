import Foundation

/// Everything `tokenizer.json` says, parsed and validated.
///
/// Supported: model `BPE` over a byte-level vocabulary; normalizer none/NFC/NFD/NFKC/NFKD/
/// Lowercase/Sequence; pre-tokenizer `Split`/`ByteLevel`/`Sequence` (must include `ByteLevel`);
/// post-processor none/`ByteLevel`/`TemplateProcessing`/`RobertaProcessing`/`BertProcessing`/
/// `Sequence`; decoder `ByteLevel`. Anything else is `TokenizerError.unsupported` naming the key.
struct TokenizerDefinition: Sendable {
    var model: BytePairModel
    /// `tokenBytes[id]` is the UTF-8 (raw) bytes token `id` decodes to; empty for unused ids.
    var tokenBytes: [[UInt8]]
    var addedTokens: [AddedToken]
    var normalizer: Normalizer?
    var preTokenizer: PreTokenizer
    /// Ids the post-processor puts before / after the sequence when special tokens are added;
    /// nil when there is no post-processor that adds tokens.
    var specialTokenTemplate: (prefix: [Int32], suffix: [Int32])?
    /// Token ids by their vocabulary string (vocabulary and added tokens).
    var idForToken: [String: Int32]

    init(_ json: JSONReader) throws {
        let modelJSON = try json.child("model")
        let modelType = modelJSON.optionalString("type") ?? "BPE"
        guard modelType == "BPE" else { throw modelJSON.unsupported("type", modelType) }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let value = modelJSON.optionalString(key), !value.isEmpty { throw modelJSON.unsupported(key, value) }
        }
        if let dropout = modelJSON.object["dropout"] as? Double, dropout > 0 {
            throw modelJSON.unsupported("dropout", "\(dropout)")
        }
        guard let vocab = modelJSON.object["vocab"] as? [String: Any] else { throw modelJSON.missing("vocab") }

        var idForToken: [String: Int32] = [:]
        idForToken.reserveCapacity(vocab.count)
        var idForBytes: [[UInt8]: Int32] = [:]
        idForBytes.reserveCapacity(vocab.count)
        var highestID: Int32 = -1
        for (token, value) in vocab {
            guard let id = JSONReader.int32(value) else { throw modelJSON.missing("vocab.\(token)") }
            idForToken[token] = id
            highestID = max(highestID, id)
            if let bytes = ByteLevelAlphabet.bytes(ofToken: token) { idForBytes[bytes] = id }
        }

        addedTokens = try json.children("added_tokens").map { entry in
            guard let id = JSONReader.int32(entry.object["id"]) else { throw entry.missing("id") }
            return AddedToken(
                id: id, content: try entry.string("content"), isSpecial: entry.bool("special", default: false),
                leftStrip: entry.bool("lstrip", default: false), rightStrip: entry.bool("rstrip", default: false),
                singleWord: entry.bool("single_word", default: false))
        }

        var tokenBytes = [[UInt8]](repeating: [], count: Int(max(highestID, addedTokens.map(\.id).max() ?? -1)) + 1)
        for (token, id) in idForToken {
            tokenBytes[Int(id)] = ByteLevelAlphabet.bytes(ofToken: token) ?? Array(token.utf8)
        }
        for token in addedTokens {
            tokenBytes[Int(token.id)] = Array(token.content.utf8)
            idForToken[token.content] = token.id
        }

        let merges = try Self.parseMerges(modelJSON, idForToken: idForToken)
        let unknownID = try modelJSON.optionalString("unk_token").map { token in
            guard let id = idForToken[token] else { throw TokenizerError.unknownToken(path: json.path, token: token) }
            return id
        }
        model = BytePairModel(
            idForBytes: idForBytes, merges: merges, ignoreMerges: modelJSON.bool("ignore_merges", default: false),
            unknownID: unknownID)
        self.tokenBytes = tokenBytes
        self.idForToken = idForToken

        normalizer = try json.optionalChild("normalizer").map(Normalizer.init)
        guard let preTokenizerJSON = try json.optionalChild("pre_tokenizer") else { throw json.missing("pre_tokenizer") }
        preTokenizer = PreTokenizer(steps: try PreTokenizer.steps(preTokenizerJSON))
        guard preTokenizer.steps.contains(where: { if case .byteLevel = $0 { true } else { false } }) else {
            throw preTokenizerJSON.unsupported("type", "no ByteLevel step (only byte-level BPE is supported)")
        }
        specialTokenTemplate = try json.optionalChild("post_processor").flatMap {
            try Self.parsePostProcessor($0, idForToken: idForToken)
        }
        let decoder = try json.child("decoder")
        let decoderType = try decoder.string("type")
        guard decoderType == "ByteLevel" else { throw decoder.unsupported("type", decoderType) }
    }

    /// Merges as `"left right"` strings or `["left", "right"]` pairs; rank is the list index.
    private static func parseMerges(_ json: JSONReader, idForToken: [String: Int32]) throws -> [UInt64: BytePairModel.Merge] {
        let entries = try json.array("merges")
        var merges: [UInt64: BytePairModel.Merge] = [:]
        merges.reserveCapacity(entries.count)
        for (rank, entry) in entries.enumerated() {
            let parts: [String]
            if let text = entry as? String {
                parts = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            } else if let pair = entry as? [String] {
                parts = pair
            } else {
                throw json.missing("merges[\(rank)]")
            }
            guard parts.count == 2 else { throw json.missing("merges[\(rank)]") }
            for token in [parts[0], parts[1], parts[0] + parts[1]] where idForToken[token] == nil {
                throw TokenizerError.unknownToken(path: json.path, token: token)
            }
            let key = BytePairModel.pairKey(idForToken[parts[0]]!, idForToken[parts[1]]!)
            if merges[key] == nil {
                merges[key] = .init(rank: Int32(rank), result: idForToken[parts[0] + parts[1]]!)
            }
        }
        return merges
    }

    /// The (prefix, suffix) ids the post-processor adds to a single sequence, or nil if it adds none.
    private static func parsePostProcessor(
        _ json: JSONReader, idForToken: [String: Int32]
    ) throws -> (prefix: [Int32], suffix: [Int32])? {
        func id(of token: String) throws -> Int32 {
            guard let id = idForToken[token] else { throw TokenizerError.unknownToken(path: json.path, token: token) }
            return id
        }
        let type = try json.string("type")
        switch type {
        case "ByteLevel":
            return nil
        case "TemplateProcessing":
            let specials = try json.child("special_tokens")
            var prefix: [Int32] = []
            var suffix: [Int32] = []
            var seenSequence = false
            for item in try json.children("single") {
                if item.object["Sequence"] != nil {
                    seenSequence = true
                    continue
                }
                let name = try item.child("SpecialToken").string("id")
                let special = try specials.child(name)
                guard let ids = special.object["ids"] as? [Any] else { throw special.missing("ids") }
                let values = try ids.map { value in
                    guard let id = JSONReader.int32(value) else { throw special.missing("ids") }
                    return id
                }
                if seenSequence { suffix += values } else { prefix += values }
            }
            return (prefix, suffix)
        case "RobertaProcessing", "BertProcessing":
            let cls = try json.array("cls")
            let sep = try json.array("sep")
            guard let clsToken = cls.first as? String, let sepToken = sep.first as? String else {
                throw json.missing("cls")
            }
            return ([try id(of: clsToken)], [try id(of: sepToken)])
        case "Sequence":
            var result: (prefix: [Int32], suffix: [Int32])?
            for step in try json.children("processors") {
                guard let inner = try parsePostProcessor(step, idForToken: idForToken) else { continue }
                result = (inner.prefix + (result?.prefix ?? []), (result?.suffix ?? []) + inner.suffix)
            }
            return result
        default:
            throw json.unsupported("type", type)
        }
    }
}
