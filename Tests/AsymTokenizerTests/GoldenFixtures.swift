import AsymDefaultModel
import Foundation

/// The two golden sets: tiny-llama (test fixture, Hugging Face tokenizers 0.23.3) and the
/// embedded kjv-llama-12m model's `golden.json`.
enum GoldenFixtures {
    struct Prompt: Sendable, CustomStringConvertible {
        var name: String
        var text: String
        var addSpecialTokens: Bool
        var inputIDs: [Int32]
        var messages: [[String: String]]?
        var addGenerationPrompt: Bool
        var greedyIDs: [Int32]
        var greedyText: String
        var description: String { name }
    }

    static var tinyLlamaDirectory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/tiny-llama", isDirectory: true)
    }

    static func tinyLlamaPrompts() throws -> [Prompt] {
        let url = tinyLlamaDirectory.appendingPathComponent("golden-tokens.json")
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        return (root["prompts"] as! [[String: Any]]).map { prompt in
            let greedy = prompt["greedy"] as! [String: Any]
            return Prompt(
                name: prompt["name"] as! String, text: prompt["text"] as! String,
                addSpecialTokens: prompt["add_special_tokens"] as! Bool, inputIDs: ids(prompt["input_ids"]),
                messages: prompt["messages"] as? [[String: String]],
                addGenerationPrompt: prompt["add_generation_prompt"] as? Bool ?? false,
                greedyIDs: ids(greedy["new_ids"]), greedyText: greedy["text"] as! String)
        }
    }

    /// kjv-llama-12m prompts; all are encoded with special tokens (BOS first). `chat` is one user message.
    static func kjvPrompts() throws -> [Prompt] {
        let url = DefaultModel.directory.appendingPathComponent("golden.json")
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let prompts = root["prompts"] as! [String: [String: Any]]
        return prompts.keys.sorted().map { name in
            let prompt = prompts[name]!
            return Prompt(
                name: name, text: prompt["text"] as! String, addSpecialTokens: true, inputIDs: ids(prompt["ids"]),
                messages: name == "chat" ? [["role": "user", "content": "John 3:16"]] : nil,
                addGenerationPrompt: true, greedyIDs: ids(prompt["greedy_ids"]),
                greedyText: prompt["greedy_text"] as! String)
        }
    }

    private static func ids(_ value: Any?) -> [Int32] {
        (value as! [Any]).map { Int32(($0 as! NSNumber).intValue) }
    }
}
