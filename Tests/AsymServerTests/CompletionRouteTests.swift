import AsymCore
import AsymEngine
import AsymServer
import AsymTokenizer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Completion routes") struct CompletionRouteTests {
    static let prompt = "The quick brown fox jumps over the lazy dog"

    @Test func greedyCompletionEqualsTheEngineDrivenDirectly() async throws {
        let reference = try await generateDirectly(GenerationRequest(
            prompt: .text(Self.prompt), sampling: SamplingParams(temperature: 0, maxTokens: 12)))
        try await withServer { client, _ in
            let response = try await client.post("/v1/completions", [
                "model": tinyModel.name, "prompt": Self.prompt, "max_tokens": 12, "temperature": 0,
            ])
            #expect(response.status == .ok)
            let json = response.json
            #expect(json["object"] as? String == "text_completion")
            #expect(firstChoice(json)["text"] as? String == reference.text)
            #expect(firstChoice(json)["finish_reason"] as? String == (reference.finishReason == .length ? "length" : "stop"))
            let usage = json["usage"] as? [String: Any] ?? [:]
            #expect(usage["prompt_tokens"] as? Int == reference.promptTokenCount)
            #expect(usage["completion_tokens"] as? Int == reference.outputTokens.count)
            #expect(usage["total_tokens"] as? Int == reference.promptTokenCount + reference.outputTokens.count)
        }
    }

    @Test func tokenPromptsAndOneElementArraysAreAccepted() async throws {
        try await withServer { client, _ in
            let ids = tinyModel.tokenizer!.encode(Self.prompt)
            let byIDs = try await client.post("/v1/completions", ["prompt": ids.map(Int.init), "max_tokens": 4, "temperature": 0])
            let byText = try await client.post("/v1/completions", ["prompt": [Self.prompt], "max_tokens": 4, "temperature": 0])
            #expect(byIDs.status == .ok && byText.status == .ok)
            #expect(firstChoice(byIDs.json)["text"] as? String == firstChoice(byText.json)["text"] as? String)
        }
    }

    @Test func streamingTextEqualsTheWholeAnswerAndEndsWithDone() async throws {
        try await withServer { client, _ in
            let body: [String: Any] = ["prompt": Self.prompt, "max_tokens": 10, "temperature": 0]
            let whole = try await client.post("/v1/completions", body)
            var streamed = body
            streamed["stream"] = true
            let response = try await client.post("/v1/completions", streamed)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/event-stream")
            let (events, done) = response.events
            #expect(done)
            let text = events.map { firstChoice($0)["text"] as? String ?? "" }.joined()
            #expect(text == firstChoice(whole.json)["text"] as? String)
            #expect(firstChoice(events.last ?? [:])["finish_reason"] as? String == "length")
            #expect(events.allSatisfy { $0["usage"] == nil })  // no include_usage
        }
    }

    @Test func includeUsageAddsAFinalChunkWithoutChoices() async throws {
        try await withServer { client, _ in
            let response = try await client.post("/v1/completions", [
                "prompt": Self.prompt, "max_tokens": 5, "temperature": 0, "stream": true,
                "stream_options": ["include_usage": true],
            ])
            let (events, done) = response.events
            #expect(done)
            let last = try #require(events.last)
            #expect((last["choices"] as? [Any])?.isEmpty == true)
            let usage = last["usage"] as? [String: Any] ?? [:]
            #expect(usage["completion_tokens"] as? Int == 5)
            #expect((usage["prompt_tokens"] as? Int ?? 0) > 0)
        }
    }

    @Test func aStopSequenceCutsTheAnswerBeforeIt() async throws {
        try await withServer { client, _ in
            let free = try await client.post("/v1/completions", ["prompt": Self.prompt, "max_tokens": 16, "temperature": 0])
            let text = try #require(firstChoice(free.json)["text"] as? String)
            // A stop string from the middle of the greedy answer.
            let characters = Array(text)
            try #require(characters.count >= 6)
            let stop = String(characters[characters.count / 2 ..< characters.count / 2 + 2])
            let cut = try #require(text.range(of: stop))
            let stopped = try await client.post("/v1/completions", [
                "prompt": Self.prompt, "max_tokens": 16, "temperature": 0, "stop": [stop],
            ])
            #expect(firstChoice(stopped.json)["text"] as? String == String(text[..<cut.lowerBound]))
            #expect(firstChoice(stopped.json)["finish_reason"] as? String == "stop")
        }
    }

    @Test func seededSamplingRepeats() async throws {
        try await withServer { client, _ in
            let body: [String: Any] = ["prompt": Self.prompt, "max_tokens": 8, "temperature": 1.0, "top_p": 0.9, "seed": 42]
            let a = try await client.post("/v1/completions", body)
            let b = try await client.post("/v1/completions", body)
            #expect(a.status == .ok)
            #expect(firstChoice(a.json)["text"] as? String == firstChoice(b.json)["text"] as? String)
        }
    }
}
