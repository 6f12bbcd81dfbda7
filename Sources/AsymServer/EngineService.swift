import AsymEngine
import Foundation
import ServiceLifecycle

/// Runs beside the HTTP server in the application's service group. On graceful shutdown (after
/// the server has stopped accepting and drained, since services stop in reverse order) it
/// finishes the engine's in-flight requests and stops the engine thread.
public struct EngineService: Service {
    public let engine: Engine

    public init(engine: Engine) { self.engine = engine }

    public func run() async throws {
        try? await gracefulShutdown()
        let engine = engine
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            // `shutdown()` blocks until the engine thread exits: keep it off the cooperative pool.
            Thread.detachNewThread {
                engine.shutdown()
                done.resume()
            }
        }
    }
}
