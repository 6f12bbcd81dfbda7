/// A `text_completion` object: the whole answer, or one streamed chunk of it.
/// Streamed chunks carry the new text; the last one has `finish_reason`; with
/// `include_usage` a final chunk with no choices carries `usage`.
struct CompletionResponse: Encodable, Sendable {
    struct Choice: Encodable, Sendable {
        var index = 0
        var text: String
        var finishReason: String?

        enum CodingKeys: String, CodingKey { case index, text, logprobs, finishReason = "finish_reason" }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(index, forKey: .index)
            try c.encode(text, forKey: .text)
            try c.encodeNil(forKey: .logprobs)
            try c.encode(finishReason, forKey: .finishReason)
        }
    }

    var id: String
    var object = "text_completion"
    var created: Int
    var model: String
    var choices: [Choice]
    var usage: Usage?
}
