import AsymDefaultModel
import AsymTokenizer
import Foundation
import Testing

/// Native chat rendering against Jinja2's rendering of the same templates
/// (`Fixtures/chat-templates`), and the golden chat prompts of both models.
@Suite("ChatTemplateKind")
struct ChatTemplateTests {
    struct RenderCase: Sendable, CustomStringConvertible {
        var templateName: String
        var template: String
        var messages: [ChatMessage]
        var addGenerationPrompt: Bool
        var text: String
        var description: String { "\(templateName) \(messages.count) messages gen=\(addGenerationPrompt)" }
    }

    static func fixture() throws -> [String: Any] {
        let url = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/chat-templates/chat-templates.json")
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    static func renderCases() throws -> [RenderCase] {
        let root = try fixture()
        let templates = root["templates"] as! [String: String]
        return (root["cases"] as! [[String: Any]]).map { entry in
            let name = entry["template"] as! String
            return RenderCase(
                templateName: name, template: templates[name]!,
                messages: (entry["messages"] as! [[String: String]]).map { ChatMessage(role: $0["role"]!, content: $0["content"]!) },
                addGenerationPrompt: entry["add_generation_prompt"] as! Bool, text: entry["text"] as! String)
        }
    }

    @Test(arguments: try! renderCases())
    func rendersLikeJinja(renderCase: RenderCase) throws {
        let kind = try ChatTemplateKind(template: renderCase.template)
        let text = try kind.render(
            renderCase.messages, addGenerationPrompt: renderCase.addGenerationPrompt, bosToken: "<|begin_of_text|>")
        #expect(text == renderCase.text)
    }

    @Test func detectsEachKnownFormat() throws {
        let templates = try Self.fixture()["templates"] as! [String: String]
        #expect(try ChatTemplateKind(template: templates["tiny-llama"]!) == .chatML(bosPrefix: true, defaultSystemPrompt: nil))
        #expect(try ChatTemplateKind(template: templates["kjv-llama-12m"]!) == .chatML(bosPrefix: false, defaultSystemPrompt: nil))
        #expect(try ChatTemplateKind(template: templates["llama3"]!) == .llama3(bosPrefix: true, trimsContent: true))
        #expect(
            try ChatTemplateKind(template: templates["qwen2"]!)
                == .chatML(bosPrefix: false, defaultSystemPrompt: "You are a helpful assistant."))
    }

    @Test func rejectsUnsupportedTemplates() throws {
        let unsupported = try Self.fixture()["unsupported"] as! [String: String]
        #expect(unsupported.count == 4)
        for (name, template) in unsupported {
            do {
                _ = try ChatTemplateKind(template: template)
                Issue.record("\(name) was accepted")
            } catch let error as TokenizerError {
                guard case .unsupportedChatTemplate = error else {
                    Issue.record("\(name): wrong error \(error)")
                    continue
                }
            }
        }
    }

    @Test func tinyLlamaChatMatchesGolden() throws {
        let tokenizer = try Tokenizer.load(directory: GoldenFixtures.tinyLlamaDirectory)
        let chat = try #require(try GoldenFixtures.tinyLlamaPrompts().first { $0.name == "chat" })
        let messages = chat.messages!.map { ChatMessage(role: $0["role"]!, content: $0["content"]!) }
        #expect(try tokenizer.renderChat(messages, addGenerationPrompt: chat.addGenerationPrompt) == chat.text)
        #expect(try tokenizer.encodeChat(messages, addGenerationPrompt: chat.addGenerationPrompt) == chat.inputIDs)
    }

    @Test func kjvChatMatchesGoldenWithBOSFromConfig() throws {
        let tokenizer = try Tokenizer.load(directory: DefaultModel.directory)
        let chat = try #require(try GoldenFixtures.kjvPrompts().first { $0.name == "chat" })
        #expect(try tokenizer.renderChat([.user("John 3:16")]) == chat.text)
        #expect(try tokenizer.encodeChat([.user("John 3:16")]) == chat.inputIDs)
    }

    @Test func missingTemplateIsAnError() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.copyItem(
            at: GoldenFixtures.tinyLlamaDirectory.appendingPathComponent("tokenizer.json"),
            to: directory.url.appendingPathComponent("tokenizer.json"))
        let tokenizer = try Tokenizer.load(directory: directory.url)
        #expect(throws: TokenizerError.self) { try tokenizer.renderChat([.user("hi")]) }
    }
}
