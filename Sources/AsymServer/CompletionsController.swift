import AsymEngine
import Foundation
import Hummingbird
import NIOCore

/// `POST /v1/completions` and `POST /v1/chat/completions`: decode and check the body, run the
/// request in the engine, answer in one JSON object or as server-sent events.
struct CompletionsController: Sendable {
    let served: ServedModel
    let metrics: ServerMetrics
    let maxBodyBytes: Int

    func completions(_ request: Request, context: some RequestContext) async throws -> Response {
        let body: CompletionRequest = try await decodeBody(request)
        try checkModel(body.options.model)
        let stream = try await GenerationStream(
            engine: served.engine, request: try body.generationRequest(vocabularySize: served.vocabularySize),
            promptParam: "prompt")
        let id = "cmpl-" + Self.randomID()
        let created = Int(Date().timeIntervalSince1970)
        let model = served.name
        guard body.options.isStreaming else {
            let (text, summary) = try await stream.collect()
            metrics.recordFinished(summary)
            let choice = CompletionResponse.Choice(text: text, finishReason: openAIFinishReason(summary.finishReason))
            return Self.json(CompletionResponse(id: id, created: created, model: model, choices: [choice],
                                                usage: Usage(summary)))
        }
        let includeUsage = body.options.includeUsage
        return streamResponse(stream) { event in
            switch event {
            case .text(let text):
                return SSEEncoder.event(CompletionResponse(
                    id: id, created: created, model: model, choices: [.init(text: text, finishReason: nil)]))
            case .end(let reason):
                return SSEEncoder.event(CompletionResponse(
                    id: id, created: created, model: model, choices: [.init(text: "", finishReason: reason)]))
            case .usage(let usage):
                guard includeUsage else { return nil }
                return SSEEncoder.event(CompletionResponse(id: id, created: created, model: model, choices: [],
                                                           usage: usage))
            }
        }
    }

    func chatCompletions(_ request: Request, context: some RequestContext) async throws -> Response {
        let body: ChatCompletionRequest = try await decodeBody(request)
        try checkModel(body.options.model)
        let stream = try await GenerationStream(
            engine: served.engine, request: try body.generationRequest(contextLimit: served.contextLimit),
            promptParam: "messages")
        let id = "chatcmpl-" + Self.randomID()
        let created = Int(Date().timeIntervalSince1970)
        let model = served.name
        guard body.options.isStreaming else {
            let (text, summary) = try await stream.collect()
            metrics.recordFinished(summary)
            let choice = ChatCompletionResponse.Choice(
                message: .init(content: text), finishReason: openAIFinishReason(summary.finishReason))
            return Self.json(ChatCompletionResponse(id: id, created: created, model: model, choices: [choice],
                                                    usage: Usage(summary)))
        }
        let includeUsage = body.options.includeUsage
        let opening = SSEEncoder.event(ChatCompletionChunk(
            id: id, created: created, model: model,
            choices: [.init(delta: .init(role: "assistant", content: ""), finishReason: nil)]))
        return streamResponse(stream, opening: opening) { event in
            switch event {
            case .text(let text):
                return SSEEncoder.event(ChatCompletionChunk(
                    id: id, created: created, model: model, choices: [.init(delta: .init(content: text), finishReason: nil)]))
            case .end(let reason):
                return SSEEncoder.event(ChatCompletionChunk(
                    id: id, created: created, model: model, choices: [.init(delta: .init(), finishReason: reason)]))
            case .usage(let usage):
                guard includeUsage else { return nil }
                return SSEEncoder.event(ChatCompletionChunk(id: id, created: created, model: model, choices: [],
                                                            usage: usage))
            }
        }
    }

    /// What a streamed answer is made of, in order: texts, the end, the usage.
    enum StreamPart {
        case text(String)
        case end(finishReason: String)
        case usage(Usage)
    }

    /// Streams the engine's events as server-sent events. A write that fails (the client went
    /// away) or a cancelled task ends the loop and cancels the request, freeing its blocks.
    private func streamResponse(
        _ stream: GenerationStream, opening: ByteBuffer? = nil,
        encode: @escaping @Sendable (StreamPart) -> ByteBuffer?
    ) -> Response {
        let metrics = metrics
        let body = ResponseBody { writer in
            defer { stream.cancel() }
            if let opening { try await writer.write(opening) }
            while let event = await stream.next() {
                switch event {
                case .token(_, let text):
                    if !text.isEmpty, let chunk = encode(.text(text)) { try await writer.write(chunk) }
                case .finished(let summary):
                    metrics.recordFinished(summary)
                    if summary.finishReason == .error {
                        let error = APIError.server("generation failed: \(summary.error ?? "unknown error")")
                        try await writer.write(SSEEncoder.event(ErrorEnvelope(
                            error: .init(message: error.message, type: error.type, param: nil, code: nil))))
                    } else {
                        if let chunk = encode(.end(finishReason: openAIFinishReason(summary.finishReason))) {
                            try await writer.write(chunk)
                        }
                        if let chunk = encode(.usage(Usage(summary))) { try await writer.write(chunk) }
                    }
                    try await writer.write(SSEEncoder.done)
                case .rejected: break  // only ever the first event, handled before streaming
                }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: SSEEncoder.headers, body: body)
    }

    /// Reads at most `maxBodyBytes` (413 beyond) and decodes JSON (400 when malformed).
    private func decodeBody<T: Decodable>(_ request: Request) async throws -> T {
        let buffer = try await request.body.collect(upTo: maxBodyBytes)
        return try JSONCoding.decode(T.self, from: Array(buffer.readableBytesView))
    }

    /// A request naming another model is a 404, as in OpenAI's API; an absent model means ours.
    private func checkModel(_ name: String?) throws(APIError) {
        if let name, name != served.name { throw .modelNotFound(name) }
    }

    static func json(_ value: some Encodable) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONCoding.bytes(value))))
    }

    static func randomID() -> String {
        String(UInt64.random(in: 0 ... .max), radix: 16) + String(UInt32.random(in: 0 ... .max), radix: 16)
    }
}
