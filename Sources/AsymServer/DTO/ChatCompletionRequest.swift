import AsymEngine
import AsymTokenizer

/// The body of `POST /v1/chat/completions`.
struct ChatCompletionRequest: Decodable, Sendable {
    var messages: [Message]
    var options: RequestOptions

    enum CodingKeys: String, CodingKey { case messages }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        messages = try c.decode([Message].self, forKey: .messages)
        options = try RequestOptions(from: decoder)
    }

    /// One chat message. `content` is a string or an array of text parts; "developer" is read
    /// as "system".
    struct Message: Decodable, Sendable {
        var role: String
        var content: String

        enum CodingKeys: String, CodingKey { case role, content }

        struct Part: Decodable, Sendable {
            var type: String
            var text: String?
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            role = try c.decode(String.self, forKey: .role)
            if let text = try? c.decode(String.self, forKey: .content) {
                content = text
            } else if let parts = try? c.decode([Part].self, forKey: .content) {
                guard parts.allSatisfy({ $0.type == "text" && $0.text != nil }) else {
                    throw APIError.invalid("only text content parts are supported", param: "messages.content")
                }
                content = parts.compactMap(\.text).joined()
            } else if try c.decodeNil(forKey: .content), role == "assistant" {
                content = ""
            } else {
                throw DecodingError.typeMismatch(
                    String.self, .init(codingPath: c.codingPath + [CodingKeys.content],
                                       debugDescription: "content must be a string or an array of text parts"))
            }
        }
    }

    static let roles: Set<String> = ["system", "developer", "user", "assistant"]

    /// The engine request; chat defaults to generating up to the context limit.
    func generationRequest(contextLimit: Int) throws(APIError) -> GenerationRequest {
        guard !messages.isEmpty else { throw .invalid("messages must not be empty", param: "messages") }
        var chat: [ChatMessage] = []
        for (i, m) in messages.enumerated() {
            guard Self.roles.contains(m.role) else {
                throw .invalid("messages[\(i)].role must be one of system, developer, user, assistant (got '\(m.role)')",
                               param: "messages.\(i).role")
            }
            chat.append(ChatMessage(role: m.role == "developer" ? "system" : m.role, content: m.content))
        }
        return try options.generationRequest(prompt: .messages(chat), defaultMaxTokens: contextLimit)
    }
}
