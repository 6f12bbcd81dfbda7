@testable import AsymServer
import AsymCore
import AsymEngine
import AsymTokenizer
import HTTPTypes
import Testing

/// Pure decoding and validation of request bodies (no engine).
@Suite("Request decoding") struct RequestDecodingTests {
    func chat(_ json: String) throws -> ChatCompletionRequest {
        try JSONCoding.decode(ChatCompletionRequest.self, from: Array(json.utf8))
    }

    @Test func maxCompletionTokensWinsAndSamplingValuesPassThrough() throws {
        let body = try chat(#"""
            {"messages": [{"role": "developer", "content": "d"}, {"role": "user", "content": "u"}],
             "max_tokens": 9, "max_completion_tokens": 3, "temperature": 0.5, "top_p": 0.25, "seed": -1,
             "stop": "END", "job_id": "job-7", "pin_ttl": 12.5, "unknown_field": {"ignored": true}}
            """#)
        let request = try body.generationRequest(contextLimit: 100)
        #expect(request.sampling.maxTokens == 3)
        #expect(request.sampling.temperature == 0.5 && request.sampling.topP == 0.25)
        #expect(request.sampling.seed == UInt64.max)
        #expect(request.sampling.stopStrings == ["END"])
        #expect(request.sessionID == "job-7" && request.pinTTL == 12.5)
        guard case .messages(let messages) = request.prompt else { Issue.record("not a chat prompt"); return }
        #expect(messages.map(\.role) == ["system", "user"])
    }

    @Test func chatDefaultsToTheContextLimitAndCompletionsTo16() throws {
        #expect(try chat(#"{"messages": [{"role": "user", "content": "u"}]}"#)
            .generationRequest(contextLimit: 77).sampling.maxTokens == 77)
        let completion = try JSONCoding.decode(CompletionRequest.self, from: Array(#"{"prompt": "p"}"#.utf8))
        #expect(try completion.generationRequest(vocabularySize: 10).sampling.maxTokens == 16)
    }

    @Test func wrongTypesNameTheirField() {
        #expect(throws: APIError.invalid("'seed' must be an integer in range", param: "seed")) {
            try JSONCoding.decode(CompletionRequest.self, from: Array(#"{"prompt": "p", "seed": 1e30}"#.utf8))
        }
        do {
            _ = try chat(#"{"messages": [{"role": "user", "content": "u"}], "top_p": "high"}"#)
            Issue.record("accepted a string top_p")
        } catch let error as APIError {
            #expect(error.status == .badRequest && error.param == "top_p")
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func errorBodiesHaveOpenAIShapeWithNullParamAndCode() {
        let body = String(decoding: APIError.invalid("bad").body, as: UTF8.self)
        #expect(body.contains(#""param":null"#) && body.contains(#""code":null"#))
        #expect(body.contains(#""message":"bad""#) && body.contains(#""type":"invalid_request_error""#))
    }
}
