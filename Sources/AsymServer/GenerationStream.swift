import AsymCore
import AsymEngine

/// One request running in the engine, seen from a handler: the events not yet consumed, read
/// by one task at a time. Ending early (`cancel()`) cancels the request, which frees its KV
/// blocks; cancelling after it finished does nothing.
final class GenerationStream: @unchecked Sendable {
    let id: RequestID
    private let engine: Engine
    private var iterator: AsyncStream<Engine.Event>.AsyncIterator
    private var pending: Engine.Event?
    private(set) var finished = false

    /// Submits `request` and waits for its first event, so that a refused request becomes an
    /// error response before any header is sent. Throws the OpenAI error for a refusal.
    init(engine: Engine, request: GenerationRequest, promptParam: String) async throws(APIError) {
        self.engine = engine
        let (id, stream) = engine.submit(request)
        self.id = id
        iterator = stream.makeAsyncIterator()
        switch await iterator.next() {
        case .rejected(let error)?:
            finished = true
            throw APIError.rejected(error, promptParam: promptParam)
        case nil:
            finished = true
            throw APIError.server("the engine ended the request without an answer")
        case let first?:
            pending = first
        }
    }

    /// The next token or the summary; nil when the stream ended without a summary (the task
    /// was cancelled, or the engine stopped).
    func next() async -> Engine.Event? {
        if let event = pending {
            pending = nil
            if case .finished = event { finished = true }
            return event
        }
        guard !finished else { return nil }
        let event = await iterator.next()
        if case .finished? = event { finished = true }
        if event == nil { finished = true }
        return event
    }

    /// Collects the whole answer (non-streaming requests). Cancels the request if the task is
    /// cancelled.
    /// Throws only `APIError`.
    func collect() async throws -> (text: String, summary: GenerationSummary) {
        let id = id, engine = engine
        return try await withTaskCancellationHandler {
            var text = ""
            while let event = await next() {
                switch event {
                case .token(_, let piece): text += piece
                case .finished(let summary):
                    if summary.finishReason == .error {
                        throw APIError.server("generation failed: \(summary.error ?? "unknown error")")
                    }
                    return (summary.text.isEmpty ? text : summary.text, summary)
                case .rejected(let error): throw APIError.rejected(error, promptParam: "prompt")
                }
            }
            throw APIError.server("the request was cancelled")
        } onCancel: {
            engine.cancel(id)
        }
    }

    /// Cancels the request unless it already finished.
    func cancel() {
        if !finished { engine.cancel(id) }
        finished = true
    }
}
