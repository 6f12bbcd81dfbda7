import AsymCore
import AsymCost
import AsymKV
import AsymTraces
import Foundation
import Testing

@Suite("Trace replay")
struct TraceReplayTests {
    static let jsonl = """
        {"timestamp": 0, "input_length": 1100, "output_length": 4, "hash_ids": [0, 1, 2]}
        {"timestamp": 5, "input_length": 1500, "output_length": 4, "hash_ids": [0, 1, 3]}

        {"timestamp": 9, "input_length": 700, "output_length": 2, "hash_ids": [4, 5]}
        {"timestamp": 12, "input_length": 1536, "output_length": 2, "hash_ids": [0, 1, 3]}
        """

    @Test func parsesMooncakeLines() throws {
        let trace = try MooncakeTrace(jsonl: Data(Self.jsonl.utf8))
        #expect(trace.requests.count == 4)
        #expect(trace.requests[1] == .init(timestamp: 5, input_length: 1500, output_length: 4, hash_ids: [0, 1, 3]))
        #expect(trace.requests[3].arrivalSeconds == 0.012)
    }

    @Test func equalHashIdsGiveEqualTokens() throws {
        let trace = try MooncakeTrace(jsonl: Data(Self.jsonl.utf8))
        let synth = TraceTokenSynthesizer(vocabularySize: 1000)
        let a = synth.prompt(for: trace.requests[0]), b = synth.prompt(for: trace.requests[1])
        #expect(a.count == 1100 && b.count == 1500)
        #expect(a[0..<1024] == b[0..<1024])
        #expect(a[1024..<1100] != b[1024..<1100])
        #expect(a.allSatisfy { $0 >= 0 && $0 < 1000 })
        #expect(synth.tokens(hashID: 7, count: 10) == Array(synth.tokens(hashID: 7)[0..<10]))
    }

    @Test(arguments: CacheReplay.allPolicyNames)
    func replayAccountsForEveryPromptToken(policy: String) throws {
        let trace = try MooncakeTrace(jsonl: Data(Self.jsonl.utf8))
        let replay = CacheReplay(trace: trace, costModel: try CostModel.h100Llama3_8B())
        let r = try replay.run(policyName: policy, capacityTokens: 4096)
        #expect(r.hitTokens + r.holeTokens + r.suffixTokens == r.promptTokens)
        #expect(r.rebuildMs <= r.fullComputeMs)
        if policy == "none" {
            #expect(r.hitTokens == 0)
        } else {
            // Request 2 reuses 1024 tokens of request 1; request 4 reuses the 93 full blocks
            // (1488 tokens) that request 2's 1500 tokens filled.
            #expect(r.hitTokens == 1024 + 1488)
        }
    }

    @Test func unknownPolicyIsRejected() throws {
        let replay = CacheReplay(trace: MooncakeTrace(requests: []), costModel: try CostModel.h100Llama3_8B())
        #expect(throws: ReplayError.unknownPolicy("fifo")) { try replay.run(policyName: "fifo", capacityTokens: 1024) }
    }
}
