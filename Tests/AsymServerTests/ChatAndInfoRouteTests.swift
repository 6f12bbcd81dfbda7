import AsymCore
import AsymEngine
import AsymKV
import AsymServer
import AsymTokenizer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Chat, models, health and metrics routes") struct ChatAndInfoRouteTests {
    static var messages: [[String: Any]] { [
        ["role": "system", "content": "You are terse."],
        ["role": "user", "content": [["type": "text", "text": "Name a colour."]]],
    ] }

    @Test func greedyChatRendersTheTemplateLikeTheEngine() async throws {
        let reference = try await generateDirectly(GenerationRequest(
            prompt: .messages([.system("You are terse."), .user("Name a colour.")]),
            sampling: SamplingParams(temperature: 0, maxTokens: 6)))
        try await withServer { client, _ in
            let response = try await client.post("/v1/chat/completions", [
                "messages": Self.messages, "max_completion_tokens": 6, "temperature": 0,
            ])
            #expect(response.status == .ok)
            let json = response.json
            #expect(json["object"] as? String == "chat.completion")
            let message = firstChoice(json)["message"] as? [String: Any] ?? [:]
            #expect(message["role"] as? String == "assistant")
            #expect(message["content"] as? String == reference.text)
            let usage = json["usage"] as? [String: Any] ?? [:]
            #expect(usage["prompt_tokens"] as? Int == reference.promptTokenCount)
            #expect(usage["completion_tokens"] as? Int == reference.outputTokens.count)
        }
    }

    @Test func streamedChatStartsWithTheRoleAndEndsWithFinishReasonUsageAndDone() async throws {
        try await withServer { client, _ in
            let whole = try await client.post("/v1/chat/completions", [
                "messages": Self.messages, "max_tokens": 7, "temperature": 0,
            ])
            let response = try await client.post("/v1/chat/completions", [
                "messages": Self.messages, "max_tokens": 7, "temperature": 0, "stream": true,
                "stream_options": ["include_usage": true],
            ])
            let (events, done) = response.events
            #expect(done)
            #expect(events.allSatisfy { $0["object"] as? String == "chat.completion.chunk" })
            let firstDelta = firstChoice(events.first ?? [:])["delta"] as? [String: Any] ?? [:]
            #expect(firstDelta["role"] as? String == "assistant")
            let text = events.compactMap { (firstChoice($0)["delta"] as? [String: Any])?["content"] as? String }.joined()
            #expect(text == (firstChoice(whole.json)["message"] as? [String: Any])?["content"] as? String)
            let finishes = events.compactMap { firstChoice($0)["finish_reason"] as? String }
            #expect(finishes == [firstChoice(whole.json)["finish_reason"] as? String ?? "?"])
            #expect((events.last?["usage"] as? [String: Any])?["completion_tokens"] as? Int
                == (whole.json["usage"] as? [String: Any])?["completion_tokens"] as? Int)
        }
    }

    @Test func cacheAwareExtensionsAreAcceptedAndARepeatedPromptHitsTheCache() async throws {
        try await withServer { client, _ in
            let long = String(repeating: "a long shared system prompt for agents, ", count: 8)
            let body: [String: Any] = [
                "messages": [["role": "system", "content": long], ["role": "user", "content": "go"]],
                "max_tokens": 2, "temperature": 0, "session_id": "s-1", "job_id": "j-1", "pin_ttl": 30,
                "cache_salt": "tenant-a",
            ]
            let first = try await client.post("/v1/chat/completions", body)
            let second = try await client.post("/v1/chat/completions", body)
            #expect(first.status == .ok && second.status == .ok)
            let details = (second.json["usage"] as? [String: Any])?["prompt_tokens_details"] as? [String: Any]
            #expect((details?["cached_tokens"] as? Int ?? 0) >= 16)
            let metrics = try await client.get("/metrics").text
            let hits = metricValue(metrics, "vllm:prefix_cache_hits_total")
            #expect((hits ?? 0) >= 16)
        }
    }

    @Test func modelsListsTheServedModel() async throws {
        try await withServer { client, served in
            let response = try await client.get("/v1/models")
            #expect(response.status == .ok)
            let data = response.json["data"] as? [[String: Any]] ?? []
            #expect(data.count == 1)
            #expect(data.first?["id"] as? String == served.name)
            #expect(data.first?["object"] as? String == "model")
            #expect(data.first?["max_model_len"] as? Int == served.contextLimit)
        }
    }

    @Test func healthReportsTheKVPool() async throws {
        try await withServer { client, served in
            _ = try await client.post("/v1/completions", ["prompt": "hello there", "max_tokens": 2])
            _ = try await settledStats(served, finished: 1)
            let json = try await client.get("/health").json
            #expect(json["status"] as? String == "ok")
            #expect(json["kv_used_blocks"] as? Int == 0)
            #expect(json["kv_total_blocks"] as? Int == 2048 / 16)
            #expect(json["finished_requests"] as? Int == 1)
        }
    }

    @Test func metricsUseVLLMNamesInPrometheusTextFormat() async throws {
        try await withServer { client, served in
            _ = try await client.post("/v1/completions", ["prompt": "hello there", "max_tokens": 3, "temperature": 0])
            _ = try await client.post("/v1/completions", ["prompt": "hello", "n": 3])
            let stats = try await settledStats(served, finished: 1)
            let response = try await client.get("/metrics")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = response.text
            for name in ["vllm:num_requests_running", "vllm:num_requests_waiting", "vllm:kv_cache_usage_perc",
                         "vllm:prefix_cache_queries_total", "vllm:prefix_cache_hits_total",
                         "asymcache:hole_tokens_recomputed_total", "asymcache:suffix_tokens_computed_total",
                         "asymcache:kv_evictions_total", "asymcache:kv_used_blocks"] {
                #expect(text.contains("# TYPE \(name) "), "missing \(name)")
            }
            #expect(text.contains("vllm:time_to_first_token_seconds_bucket{"))
            #expect(text.contains("vllm:time_per_output_token_seconds_count{"))
            #expect(metricValue(text, "vllm:generation_tokens_total") == 3)
            #expect(metricValue(text, "vllm:request_success_total", labels: "finished_reason=\"length\"") == 1)
            #expect(metricValue(text, "asymcache:request_errors_total", labels: "code=\"400\"") == 1)
            #expect(metricValue(text, "vllm:prefix_cache_queries_total") == Double(stats.kv.suffixTokens + stats.kv.hitTokens + stats.kv.holeTokens))
        }
    }
}

/// The value of the first sample of `name` (whose labels contain `labels`) in a Prometheus text.
func metricValue(_ text: String, _ name: String, labels: String = "") -> Double? {
    for line in text.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
        guard labels.isEmpty || line.contains(labels), let value = line.split(separator: " ").last else { continue }
        return Double(value)
    }
    return nil
}
