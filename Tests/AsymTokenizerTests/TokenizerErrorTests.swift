import AsymTokenizer
import Foundation
import Testing

/// Bad input gives a `TokenizerError` whose message names the file (and key) at fault.
@Suite("TokenizerError")
struct TokenizerErrorTests {
    /// The tiny-llama tokenizer.json as an editable JSON object.
    static func tinyLlamaJSON() throws -> [String: Any] {
        let url = GoldenFixtures.tinyLlamaDirectory.appendingPathComponent("tokenizer.json")
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    static func loadError(tokenizerJSON: String?, config: String? = nil) throws -> TokenizerError? {
        let directory = try TemporaryDirectory()
        if let tokenizerJSON { try directory.write("tokenizer.json", tokenizerJSON) }
        if let config { try directory.write("tokenizer_config.json", config) }
        do {
            _ = try Tokenizer.load(directory: directory.url)
            return nil
        } catch let error as TokenizerError {
            return error
        }
    }

    static func edited(_ edit: (inout [String: Any]) -> Void) throws -> String {
        var json = try tinyLlamaJSON()
        edit(&json)
        return String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
    }

    @Test func missingFileIsNamed() throws {
        let error = try #require(try Self.loadError(tokenizerJSON: nil))
        #expect(error.description.contains("tokenizer.json"))
        guard case .fileNotFound = error else { Issue.record("wrong case \(error)"); return }
    }

    @Test func corruptJSONIsNamed() throws {
        let error = try #require(try Self.loadError(tokenizerJSON: #"{"model": {"type": "BPE", "vocab": {"#))
        guard case .invalidJSON(let path, _) = error else { Issue.record("wrong case \(error)"); return }
        #expect(path.hasSuffix("tokenizer.json"))
    }

    @Test func unknownModelTypeNamesFileAndKey() throws {
        let text = try Self.edited { json in
            var model = json["model"] as! [String: Any]
            model["type"] = "WordPiece"
            json["model"] = model
        }
        let error = try #require(try Self.loadError(tokenizerJSON: text))
        #expect(error.description.contains("tokenizer.json"))
        #expect(error.description.contains("model.type"))
        #expect(error.description.contains("WordPiece"))
    }

    @Test func nonByteLevelPreTokenizerIsRejected() throws {
        let text = try Self.edited { json in
            json["pre_tokenizer"] = ["type": "Metaspace", "replacement": "▁"]
        }
        let error = try #require(try Self.loadError(tokenizerJSON: text))
        #expect(error == .unsupported(path: error.path, key: "pre_tokenizer.type", value: "Metaspace"))
    }

    @Test func missingVocabularyIsNamed() throws {
        let text = try Self.edited { json in
            var model = json["model"] as! [String: Any]
            model["vocab"] = nil
            json["model"] = model
        }
        let error = try #require(try Self.loadError(tokenizerJSON: text))
        #expect(error == .missingKey(path: error.path, key: "model.vocab"))
    }

    @Test func corruptConfigIsNamed() throws {
        let text = try Self.edited { _ in }
        let error = try #require(try Self.loadError(tokenizerJSON: text, config: "[1, 2"))
        #expect(error.description.contains("tokenizer_config.json"))
    }

    @Test func unknownBOSTokenIsNamed() throws {
        let text = try Self.edited { _ in }
        let error = try #require(try Self.loadError(tokenizerJSON: text, config: #"{"bos_token": "<s>"}"#))
        guard case .unknownToken(let path, "<s>") = error else { Issue.record("wrong case \(error)"); return }
        #expect(path.hasSuffix("tokenizer_config.json"))
    }
}

extension TokenizerError {
    /// The file path a file-related error carries ("" otherwise).
    var path: String {
        switch self {
        case .fileNotFound(let path), .invalidJSON(let path, _), .missingKey(let path, _),
            .unsupported(let path, _, _), .unknownToken(let path, _), .missingChatTemplate(let path):
            path
        case .unsupportedChatTemplate:
            ""
        }
    }
}
