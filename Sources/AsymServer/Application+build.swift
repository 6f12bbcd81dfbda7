import AsymEngine
import AsymKV
import Hummingbird
import Logging
import NIOCore

/// The HTTP application: the OpenAI routes on Hummingbird 2, with the engine running beside the
/// server as a service (stopped after the server on graceful shutdown).
public func buildApplication(config: ServerConfig, served: ServedModel, metrics: ServerMetrics? = nil,
                             logger: Logger = Logger(label: "asymcache.server")) -> some ApplicationProtocol {
    let metrics = metrics ?? ServerMetrics(modelName: served.name)
    let router = buildRouter(config: config, served: served, metrics: metrics)
    return Application(
        router: router,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "asymcache"),
        services: [EngineService(engine: served.engine)],
        logger: logger)
}

/// The routes:
/// - `GET /v1/models`, `POST /v1/completions`, `POST /v1/chat/completions` (OpenAI);
/// - `GET /health`: 200 with the engine's queue and KV pool state (used blocks return to 0 when
///   no request runs: the leak check of the load test);
/// - `GET /metrics`: Prometheus text format.
/// Every error, unknown routes included, answers in OpenAI's error shape.
public func buildRouter(config: ServerConfig, served: ServedModel, metrics: ServerMetrics) -> Router<BasicRequestContext> {
    let router = Router()
    router.add(middleware: OpenAIErrorMiddleware(metrics: metrics))
    let completions = CompletionsController(served: served, metrics: metrics, maxBodyBytes: config.maxBodyBytes)
    router.post("/v1/completions") { request, context in try await completions.completions(request, context: context) }
    router.post("/v1/chat/completions") { request, context in
        try await completions.chatCompletions(request, context: context)
    }
    router.get("/v1/models") { _, _ in
        CompletionsController.json(ModelList(data: [
            .init(id: served.name, created: served.created, maxModelLen: served.contextLimit),
        ]))
    }
    router.get("/health") { _, _ in CompletionsController.json(HealthReport(served.engine.stats)) }
    router.get("/metrics") { _, _ in
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.exposition(after: served.engine.stats))))
    }
    return router
}

/// Runs the server until SIGINT or SIGTERM; then it stops accepting, lets the requests in flight
/// finish, stops the engine, and returns.
public func runServer(config: ServerConfig, served: ServedModel) async throws {
    var logger = Logger(label: "asymcache.server")
    logger.logLevel = .info
    logger.info("serving \(served.name) (policy \(config.policy.rawValue), \(config.kvCacheTokens) KV tokens)")
    try await buildApplication(config: config, served: served, logger: logger).runService()
}
