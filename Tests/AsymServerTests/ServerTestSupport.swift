import AsymCost
import AsymEngine
import AsymServer
import AsymTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The tiny-llama fixture, loaded afresh for each engine: a `LlamaModel` keeps scratch buffers,
/// so two engines running at once must not share one (tests run in parallel).
var tinyModel: LoadedModel {
    do { return try LoadedModel.load(TestFixtures.tinyLlama.path) } catch { fatalError("tiny-llama fixture: \(error)") }
}

/// A small server config for tests (the cost model only steers the adaptive budget).
func testConfig(maxWaitingRequests: Int = 64, maxBodyBytes: Int = 64 << 10) throws -> ServerConfig {
    ServerConfig(port: 0, kvCacheTokens: 2048, maxRunningSequences: 8, maxWaitingRequests: maxWaitingRequests,
                 maxBodyBytes: maxBodyBytes, costModel: CostModel(coefficients: .init(constant: 2, perPrefix: 0.0005, perToken: 0.05, perAttended: 0.00002)))
}

/// Runs `body` against a fresh application (own engine, own metrics) in `setup` mode.
func withServer<Value: Sendable>(
    _ config: ServerConfig? = nil, setup: TestingSetup = .router,
    _ body: @Sendable (any TestClientProtocol, ServedModel) async throws -> Value
) async throws -> Value {
    let config = try config ?? testConfig()
    let served = ServedModel(model: tinyModel, config: config, now: 1_700_000_000)
    let app = buildApplication(config: config, served: served)
    return try await app.test(setup) { client in try await body(client, served) }
}

extension TestClientProtocol {
    /// POSTs `json` (any JSON-serializable value, or a raw string body).
    func post(_ uri: String, _ json: Any) async throws -> TestResponse {
        let data = try (json as? String).map { Data($0.utf8) } ?? JSONSerialization.data(withJSONObject: json)
        return try await execute(uri: uri, method: .post, headers: [.contentType: "application/json"],
                                 body: ByteBuffer(bytes: data))
    }

    func get(_ uri: String) async throws -> TestResponse {
        try await execute(uri: uri, method: .get)
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }
    /// `error` of an OpenAI error body.
    var error: [String: Any] { json["error"] as? [String: Any] ?? [:] }

    /// The JSON events of a server-sent-event body, and whether it ended with `data: [DONE]`.
    var events: (objects: [[String: Any]], done: Bool) {
        var objects: [[String: Any]] = []
        var done = false
        for block in text.components(separatedBy: "\n\n") where block.hasPrefix("data: ") {
            let payload = block.dropFirst("data: ".count)
            if payload == "[DONE]" { done = true; continue }
            if let object = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any] {
                objects.append(object)
            }
        }
        return (objects, done)
    }
}

/// `choices[0]` of a response or chunk.
func firstChoice(_ object: [String: Any]) -> [String: Any] {
    (object["choices"] as? [[String: Any]])?.first ?? [:]
}

/// Runs `request` straight through a fresh engine over the same model: the reference for
/// outputs through the server.
func generateDirectly(_ request: GenerationRequest) async throws -> GenerationSummary {
    let config = try testConfig()
    let served = ServedModel(model: tinyModel, config: config, now: 0)
    defer { served.engine.shutdown() }
    let (_, stream) = served.engine.submit(request)
    for await event in stream {
        switch event {
        case .finished(let summary): return summary
        case .rejected(let error): throw error
        case .token: continue
        }
    }
    throw CancellationError()
}

/// The engine's statistics once `finished` requests have finished. The engine publishes them
/// just after the pass that yields a request's last event, so a client can see its answer a
/// moment before the statistics that include it.
func settledStats(_ served: ServedModel, finished: Int) async throws -> EngineStats {
    for _ in 0 ..< 500 where served.engine.stats.finishedRequests < finished {
        try await Task.sleep(for: .milliseconds(10))
    }
    return served.engine.stats
}
