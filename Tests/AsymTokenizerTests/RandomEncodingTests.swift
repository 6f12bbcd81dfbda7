import AsymDefaultModel
import AsymTokenizer
import Foundation
import Testing

/// Random Unicode strings encoded by Hugging Face `tokenizers` (`Fixtures/hf-random`), over nine
/// tokenizer variants: both real tokenizers, a Qwen2-shaped one (NFC, Qwen2 split, no BOS),
/// `ignore_merges`, GPT-2 with prefix space, regex fallback with every Split behavior, and added
/// tokens with lstrip/rstrip/single_word.
@Suite("Random strings against Hugging Face")
struct RandomEncodingTests {
    struct Variant: Sendable, CustomStringConvertible {
        var name: String
        var tokenizerJSON: Data
        var encodings: [(text: String, addSpecialTokens: Bool, ids: [Int32])]
        var decodings: [(ids: [Int32], skipSpecialTokens: Bool, text: String)]
        var description: String { name }
    }

    static func variants() throws -> [Variant] {
        let url = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/hf-random/random-encodings.json")
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let bases = [
            "tiny-llama": GoldenFixtures.tinyLlamaDirectory.appendingPathComponent("tokenizer.json"),
            "kjv-llama-12m": DefaultModel.directory.appendingPathComponent("tokenizer.json"),
        ]
        return try (root["variants"] as! [[String: Any]]).map { variant in
            var json = try JSONSerialization.jsonObject(with: Data(contentsOf: bases[variant["base"] as! String]!))
            for (key, value) in variant["overrides"] as! [String: Any] {
                json = replacing(json, path: key.split(separator: ".").map(String.init), with: value)
            }
            return Variant(
                name: variant["name"] as! String,
                tokenizerJSON: try JSONSerialization.data(withJSONObject: json),
                encodings: (variant["encodings"] as! [[String: Any]]).map {
                    ($0["text"] as! String, $0["add_special_tokens"] as! Bool, ids($0["ids"]))
                },
                decodings: (variant["decodings"] as! [[String: Any]]).map {
                    (ids($0["ids"]), $0["skip_special_tokens"] as! Bool, $0["text"] as! String)
                })
        }
    }

    @Test(arguments: try! variants())
    func encodesAndDecodesLikeHuggingFace(variant: Variant) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asym-tok-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try variant.tokenizerJSON.write(to: directory.appendingPathComponent("tokenizer.json"))
        let tokenizer = try Tokenizer.load(directory: directory)

        var failures = 0
        for encoding in variant.encodings {
            let ids = tokenizer.encode(encoding.text, addSpecialTokens: encoding.addSpecialTokens)
            if ids != encoding.ids {
                failures += 1
                if failures <= 3 { Issue.record("\(encoding.text.debugDescription): \(ids) != \(encoding.ids)") }
            }
        }
        for decoding in variant.decodings {
            let text = tokenizer.decode(decoding.ids, skipSpecialTokens: decoding.skipSpecialTokens)
            if text != decoding.text {
                failures += 1
                if failures <= 3 { Issue.record("\(decoding.ids): \(text.debugDescription) != \(decoding.text.debugDescription)") }
            }
        }
        #expect(failures == 0)
    }

    private static func replacing(_ json: Any, path: [String], with value: Any) -> Any {
        guard let key = path.first else { return value }
        var object = json as! [String: Any]
        object[key] = replacing(object[key] as Any, path: Array(path.dropFirst()), with: value)
        return object
    }

    private static func ids(_ value: Any?) -> [Int32] {
        (value as! [Any]).map { Int32(($0 as! NSNumber).intValue) }
    }
}
