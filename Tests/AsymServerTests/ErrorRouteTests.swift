import AsymEngine
import AsymServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Every error answers in OpenAI's shape with the right status, and never costs the engine work.
@Suite("Error routes") struct ErrorRouteTests {
    /// One request, its expected status, and the `param` the error should name (nil: any).
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var uri = "/v1/completions"
        var body: String
        var status: HTTPResponse.Status = .badRequest
        var param: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "malformed JSON", body: #"{"prompt": "hi""#),
        Case(name: "not an object", body: #"[1, 2]"#),
        Case(name: "empty body", body: ""),
        Case(name: "missing prompt", body: #"{"max_tokens": 3}"#, param: "prompt"),
        Case(name: "prompt of the wrong type", body: #"{"prompt": {"a": 1}}"#, param: "prompt"),
        Case(name: "temperature as a string", body: #"{"prompt": "hi", "temperature": "hot"}"#, param: "temperature"),
        Case(name: "max_tokens as a float", body: #"{"prompt": "hi", "max_tokens": 1.5}"#, param: "max_tokens"),
        Case(name: "stream as a string", body: #"{"prompt": "hi", "stream": "yes"}"#, param: "stream"),
        Case(name: "stop as a number", body: #"{"prompt": "hi", "stop": 3}"#, param: "stop"),
        Case(name: "temperature out of range", body: #"{"prompt": "hi", "temperature": 5}"#, param: "temperature"),
        Case(name: "top_p zero", body: #"{"prompt": "hi", "top_p": 0}"#, param: "top_p"),
        Case(name: "max_tokens zero", body: #"{"prompt": "hi", "max_tokens": 0}"#, param: "max_tokens"),
        Case(name: "n = 2", body: #"{"prompt": "hi", "n": 2}"#, param: "n"),
        Case(name: "two prompts", body: #"{"prompt": ["a", "b"]}"#, param: "prompt"),
        Case(name: "empty prompt", body: #"{"prompt": ""}"#, param: "prompt"),
        Case(name: "token id outside the vocabulary", body: #"{"prompt": [1, 99999]}"#, param: "prompt"),
        Case(name: "empty stop string", body: #"{"prompt": "hi", "stop": [""]}"#, param: "stop"),
        Case(name: "negative pin_ttl", body: #"{"prompt": "hi", "pin_ttl": -1}"#, param: "pin_ttl"),
        Case(name: "echo", body: #"{"prompt": "hi", "echo": true}"#, param: "echo"),
        Case(name: "stream_options without stream", body: #"{"prompt": "hi", "stream_options": {"include_usage": true}}"#,
             param: "stream_options"),
        Case(name: "prompt longer than the context", body: #"{"prompt": ["# + Array(repeating: "5", count: 4200).joined(separator: ",") + "]}",
             param: "prompt"),
        Case(name: "empty messages", uri: "/v1/chat/completions", body: #"{"messages": []}"#, param: "messages"),
        Case(name: "missing messages", uri: "/v1/chat/completions", body: #"{"model": "x"}"#, param: "messages"),
        Case(name: "unknown role", uri: "/v1/chat/completions",
             body: #"{"messages": [{"role": "wizard", "content": "hi"}]}"#, param: "messages.0.role"),
        Case(name: "message content of the wrong type", uri: "/v1/chat/completions",
             body: #"{"messages": [{"role": "user", "content": 7}]}"#),
        Case(name: "n = 3 in chat", uri: "/v1/chat/completions",
             body: #"{"messages": [{"role": "user", "content": "hi"}], "n": 3}"#, param: "n"),
        Case(name: "unknown model", body: #"{"prompt": "hi", "model": "gpt-9"}"#, status: .notFound, param: "model"),
        Case(name: "unknown route", uri: "/v1/embeddings", body: #"{"input": "hi"}"#, status: .notFound),
    ]

    @Test(arguments: cases) func answersInOpenAIShape(_ c: Case) async throws {
        try await withServer { client, served in
            let response = try await client.post(c.uri, c.body)
            #expect(response.status == c.status)
            #expect(response.headers[.contentType] == "application/json")
            let error = response.error
            #expect((error["message"] as? String)?.isEmpty == false)
            #expect(error["type"] is String)
            #expect(error.keys.contains("param") && error.keys.contains("code"))
            if let param = c.param { #expect(error["param"] as? String == param) }
            #expect(served.engine.stats.finishedRequests == 0)
        }
    }

    @Test func promptTooLongSaysSo() async throws {
        try await withServer { client, _ in
            let ids = Array(repeating: 5, count: 5000)
            let response = try await client.post("/v1/completions", ["prompt": ids])
            #expect(response.status == .badRequest)
            #expect(response.error["code"] as? String == "context_length_exceeded")
        }
    }

    @Test func bodyOverTheLimitIs413() async throws {
        try await withServer(try testConfig(maxBodyBytes: 1024)) { client, _ in
            let response = try await client.post("/v1/completions", ["prompt": String(repeating: "x", count: 4096)])
            #expect(response.status == .contentTooLarge)
            #expect(response.error["code"] as? String == "body_too_large")
        }
    }

    @Test func fullWaitingQueueIs429() async throws {
        try await withServer(try testConfig(maxWaitingRequests: 0)) { client, _ in
            let response = try await client.post("/v1/chat/completions", ["messages": [["role": "user", "content": "hi"]]])
            #expect(response.status == .tooManyRequests)
            #expect(response.error["code"] as? String == "waiting_queue_full")
            #expect(response.headers[.retryAfter] == "1")
        }
    }

    @Test func streamingRequestsAreRefusedBeforeAnyEvent() async throws {
        try await withServer(try testConfig(maxWaitingRequests: 0)) { client, _ in
            let response = try await client.post("/v1/completions", ["prompt": "hi", "stream": true])
            #expect(response.status == .tooManyRequests)
            #expect(!response.text.contains("data:"))
        }
    }

    @Test func wrongMethodIsAnOpenAIError() async throws {
        try await withServer { client, _ in
            let response = try await client.get("/v1/completions")
            #expect(response.status.code >= 400 && response.status.code < 500)
            #expect(response.error["message"] is String)
        }
    }
}
