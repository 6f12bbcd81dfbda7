import AsymEngine
import AsymServer
import Foundation
import HummingbirdTesting
import Testing

/// Tests over a real socket on 127.0.0.1 (HummingbirdTesting's live mode) with the blocking
/// loopback client the load test uses.
@Suite("Live server") struct LiveServerTests {
    /// Runs blocking client code off the cooperative pool.
    func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    @Test func clientsThatDisconnectMidStreamLeakNoBlocks() async throws {
        try await withServer(setup: .live) { client, served in
            let port = try #require(client.port)
            let tester = LoadTester(config: .init(port: port))
            let before = try await blocking { try tester.health() }
            #expect(before.kvUsedBlocks == 0)
            let body = LoadTester.requestBody(client: 1, turn: 0, maxTokens: 2000, model: nil, ignoreEOS: true)
            // Four clients each read two chunks of a 2000-token answer, then hang up.
            let chunksRead = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0 ..< 4 {
                    group.addTask {
                        try await blocking {
                            var chunks = 0
                            try LoopbackHTTPClient(port: port).stream(method: "POST", path: "/v1/chat/completions",
                                                                      body: body) { status, bytes in
                                guard status == 200 else { return false }
                                chunks += String(decoding: bytes, as: UTF8.self).components(separatedBy: "data: ").count - 1
                                return chunks < 2
                            }
                            return chunks
                        }
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(chunksRead >= 8)
            let after = try await blocking { try tester.waitForIdle() }
            #expect(after.running == 0 && after.waiting == 0)
            #expect(after.kvUsedBlocks == 0)
            // The requests were cut short: far fewer tokens than asked for were generated.
            #expect(served.engine.stats.decodeTokens < 4 * 1000)
        }
    }

    @Test func aStreamOverTheSocketEndsWithDoneAndUsage() async throws {
        try await withServer(setup: .live) { client, _ in
            let port = try #require(client.port)
            let body = LoadTester.requestBody(client: 2, turn: 1, maxTokens: 6, model: nil, ignoreEOS: true)
            let reply = try await blocking {
                try LoopbackHTTPClient(port: port).request(method: "POST", path: "/v1/chat/completions", body: body)
            }
            #expect(reply.status == 200)
            #expect(reply.text.hasSuffix("data: [DONE]\n\n"))
            #expect(reply.text.contains(#""completion_tokens":6"#))
        }
    }
}
