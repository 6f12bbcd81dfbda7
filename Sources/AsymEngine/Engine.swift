import AsymCore
import Foundation

/// The threaded engine: an `EngineCore` on its own thread (never the Swift concurrency pool),
/// fed through a locked inbox, with one `AsyncStream` of events per request.
///
/// A request the engine refuses (prompt too long, queue full, bad values) gets a single
/// `.rejected` event; otherwise `.token` events then `.finished`. Dropping the stream (a client
/// that goes away) cancels the request and frees its blocks.
public final class Engine: @unchecked Sendable {
    public enum Event: Sendable {
        case token(TokenID, text: String)
        case finished(GenerationSummary)
        case rejected(any Error & Sendable)
    }

    private enum Command {
        case submit(RequestID, GenerationRequest, AsyncStream<Event>.Continuation)
        case cancel(RequestID)
    }

    private let core: EngineCore
    private let condition = NSCondition()
    private var inbox: [Command] = []          // guarded by `condition`
    private var stopping = false               // guarded by `condition`
    private var snapshot: EngineStats          // guarded by `condition`
    private var idMap: [RequestID: RequestID] = [:]   // client id → core id; engine thread only
    private var nextClientID: UInt64 = 1       // guarded by `condition`
    private var thread: Thread?
    private let finishedSignal = DispatchSemaphore(value: 0)

    public init(core: EngineCore) {
        self.core = core
        snapshot = core.stats
        let thread = Thread { [unowned self] in self.run() }
        thread.name = "asymcache-engine"
        thread.stackSize = 8 << 20
        self.thread = thread
        thread.start()
    }

    /// Queues a request and returns its id and event stream.
    public func submit(_ request: GenerationRequest) -> (RequestID, AsyncStream<Event>) {
        let (stream, continuation) = AsyncStream<Event>.makeStream()
        condition.lock()
        let id = RequestID(nextClientID)
        nextClientID += 1
        if stopping {
            condition.unlock()
            continuation.yield(.rejected(EngineError.shutDown))
            continuation.finish()
            return (id, stream)
        }
        inbox.append(.submit(id, request, continuation))
        condition.signal()
        condition.unlock()
        continuation.onTermination = { [weak self] reason in
            if case .cancelled = reason { self?.cancel(id) }
        }
        return (id, stream)
    }

    /// Cancels a request (no effect if it already ended).
    public func cancel(_ id: RequestID) {
        condition.lock()
        inbox.append(.cancel(id))
        condition.signal()
        condition.unlock()
    }

    /// Statistics as of the last iteration.
    public var stats: EngineStats {
        condition.lock()
        defer { condition.unlock() }
        return snapshot
    }

    /// Stops accepting requests, finishes the ones in flight, and stops the thread.
    public func shutdown() {
        condition.lock()
        let already = stopping
        stopping = true
        condition.signal()
        condition.unlock()
        if !already { finishedSignal.wait() }
    }

    private func run() {
        while true {
            condition.lock()
            while inbox.isEmpty && !core.hasWork && !stopping { condition.wait() }
            let commands = inbox
            inbox.removeAll()
            let exit = stopping && commands.isEmpty && !core.hasWork
            condition.unlock()
            if exit { break }
            for command in commands { handle(command) }
            if !commands.isEmpty {  // cancellations change the pool before the next pass
                core.refreshStats()
                condition.lock()
                snapshot = core.stats
                condition.unlock()
            }
            core.step()
            condition.lock()
            snapshot = core.stats
            condition.unlock()
        }
        finishedSignal.signal()
    }

    private func handle(_ command: Command) {
        switch command {
        case .submit(let clientID, let request, let continuation):
            do {
                let coreID = try core.add(request) { [weak self] event in
                    switch event {
                    case .token(let t, let text): continuation.yield(.token(t, text: text))
                    case .finished(let summary):
                        self?.idMap[clientID] = nil
                        continuation.yield(.finished(summary))
                        continuation.finish()
                    }
                }
                idMap[clientID] = coreID
            } catch {
                continuation.yield(.rejected(error))
                continuation.finish()
            }
        case .cancel(let clientID):
            if let coreID = idMap.removeValue(forKey: clientID) { core.cancel(coreID) }
        }
    }
}
