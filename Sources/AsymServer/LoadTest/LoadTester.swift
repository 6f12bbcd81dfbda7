import Foundation
import Synchronization

/// Drives a running server on 127.0.0.1 with concurrent streaming chat clients for a fixed
/// time, then with clients that disconnect mid-stream, and checks that the KV pool returns to
/// its initial state (`/health`'s `kv_used_blocks`). Bounded in clients, time and tokens.
public struct LoadTester: Sendable {
    public struct Config: Sendable {
        public var port: Int
        public var clients = 64
        public var seconds = 60.0
        public var disconnectingClients = 16
        public var maxTokens = 48
        /// The model name sent in each request.
        public var model: String?
        public init(port: Int) { self.port = port }
    }

    public struct Report: Sendable {
        public var requests = 0
        public var failures: [String] = []
        public var completionTokens = 0
        public var wallSeconds = 0.0
        public var ttfts: [Double] = []
        public var kvUsedBefore = 0
        public var kvUsedAfter = 0
        public var disconnects = 0
        public var disconnectFailures: [String] = []

        public var tokensPerSecond: Double { Double(completionTokens) / max(wallSeconds, 1e-9) }
        public var requestsPerSecond: Double { Double(requests) / max(wallSeconds, 1e-9) }
        public func ttftPercentile(_ p: Double) -> Double {
            guard !ttfts.isEmpty else { return .nan }
            let sorted = ttfts.sorted()
            return sorted[min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1)]
        }
        public var passed: Bool { failures.isEmpty && disconnectFailures.isEmpty && kvUsedAfter == kvUsedBefore }
    }

    public let config: Config
    private let client: LoopbackHTTPClient

    public init(config: Config) {
        self.config = config
        client = LoopbackHTTPClient(port: config.port)
    }

    public func run() throws -> Report {
        var report = Report()
        report.kvUsedBefore = try health().kvUsedBlocks
        let results = Mutex(Report())
        let start = Date()
        let deadline = start.addingTimeInterval(config.seconds)
        runThreads(config.clients) { index in
            var turn = 0
            while Date() < deadline {
                let outcome = streamOnce(client: index, turn: turn, maxTokens: config.maxTokens, stopAfter: nil)
                turn += 1
                results.withLock { r in
                    r.requests += 1
                    switch outcome {
                    case .success(let done): r.completionTokens += done.tokens; r.ttfts.append(done.ttft)
                    case .failure(let error): r.failures.append(error.description)
                    }
                }
            }
        }
        let measured = results.withLock { $0 }
        report.requests = measured.requests
        report.failures = measured.failures
        report.completionTokens = measured.completionTokens
        report.ttfts = measured.ttfts
        report.wallSeconds = Date().timeIntervalSince(start)

        // Clients that go away after a few chunks of a long answer.
        let dropped = Mutex((count: 0, failures: [String]()))
        runThreads(config.disconnectingClients) { index in
            let outcome = streamOnce(client: 1000 + index, turn: 0, maxTokens: 400, stopAfter: 3)
            dropped.withLock { d in
                if case .failure(let error) = outcome { d.failures.append(error.description) } else { d.count += 1 }
            }
        }
        (report.disconnects, report.disconnectFailures) = dropped.withLock { ($0.count, $0.failures) }
        report.kvUsedAfter = try waitForIdle().kvUsedBlocks
        return report
    }

    struct Outcome { var tokens: Int; var ttft: Double }

    /// One streaming chat request; with `stopAfter`, closes the connection after that many
    /// content chunks.
    private func streamOnce(client index: Int, turn: Int, maxTokens: Int, stopAfter: Int?)
        -> Result<Outcome, LoopbackHTTPClient.Failure>
    {
        let body = Self.requestBody(client: index, turn: turn, maxTokens: maxTokens, model: config.model,
                                    ignoreEOS: stopAfter != nil)
        let sent = Date()
        var ttft: Double?
        var tokens: Int?
        var chunks = 0
        var reader = SSEReader()
        var status = 0
        var errorBody: [UInt8] = []
        do {
            try client.stream(method: "POST", path: "/v1/chat/completions", body: body) { code, bytes in
                status = code
                guard code == 200 else { errorBody += bytes; return true }
                for event in reader.feed(bytes) {
                    guard let event else { throw LoopbackHTTPClient.Failure(description: "undecodable event") }
                    if let text = SSEReader.content(of: event), !text.isEmpty {
                        if ttft == nil { ttft = Date().timeIntervalSince(sent) }
                        chunks += 1
                    }
                    if let n = SSEReader.completionTokens(of: event) { tokens = n }
                }
                if let stopAfter, chunks >= stopAfter { return false }
                return true
            }
        } catch let error as LoopbackHTTPClient.Failure {
            return .failure(error)
        } catch {
            return .failure(.init(description: "\(error)"))
        }
        guard status == 200 else {
            return .failure(.init(description: "HTTP \(status): \(String(decoding: errorBody, as: UTF8.self))"))
        }
        if stopAfter != nil { return .success(Outcome(tokens: chunks, ttft: ttft ?? 0)) }
        guard reader.sawDone, let tokens else { return .failure(.init(description: "stream ended without usage or [DONE]")) }
        return .success(Outcome(tokens: tokens, ttft: ttft ?? Date().timeIntervalSince(sent)))
    }

    /// A shared system prompt (cache hits) and a per-client, per-turn question.
    public static func requestBody(client: Int, turn: Int, maxTokens: Int, model: String?, ignoreEOS: Bool) -> [UInt8] {
        var body: [String: Any] = [
            "messages": [
                ["role": "system", "content": "You answer questions about the book of Genesis, briefly and plainly."],
                ["role": "user", "content": "Reader \(client % 16), question \(turn): who was the son of Abraham?"],
            ],
            "stream": true, "stream_options": ["include_usage": true], "max_tokens": maxTokens,
            "temperature": 0.8, "seed": client * 7919 + turn, "session_id": "load-\(client)", "ignore_eos": ignoreEOS,
        ]
        if let model { body["model"] = model }
        return Array((try? JSONSerialization.data(withJSONObject: body)) ?? Data())
    }

    public func health() throws -> HealthReport {
        let reply = try client.request(method: "GET", path: "/health")
        guard reply.status == 200 else { throw LoopbackHTTPClient.Failure(description: "/health answered \(reply.status)") }
        return try JSONDecoder().decode(HealthReport.self, from: Data(reply.body))
    }

    /// Polls `/health` until nothing runs or waits (at most 30 s).
    ///
    /// The engine refreshes its statistics after each forward pass, not when a request is
    /// cancelled while it is otherwise idle; so each poll first sends a one-token probe request,
    /// which forces a pass (the probe itself finishes, and frees its blocks, within that pass).
    public func waitForIdle() throws -> HealthReport {
        let deadline = Date().addingTimeInterval(30)
        var probe: [String: Any] = ["prompt": "probe", "max_tokens": 1, "temperature": 0]
        if let model = config.model { probe["model"] = model }
        let probeBody = Array(try JSONSerialization.data(withJSONObject: probe))
        while true {
            let reply = try client.request(method: "POST", path: "/v1/completions", body: probeBody)
            guard reply.status == 200 else {
                throw LoopbackHTTPClient.Failure(description: "probe request answered \(reply.status): \(reply.text)")
            }
            let last = try health()
            if (last.running == 0 && last.waiting == 0) || Date() > deadline { return last }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    private func runThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        for i in 0 ..< count {
            group.enter()
            Thread.detachNewThread {
                body(i)
                group.leave()
            }
        }
        group.wait()
    }
}
