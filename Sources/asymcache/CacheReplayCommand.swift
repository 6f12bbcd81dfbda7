import ArgumentParser
import AsymCost
import AsymTraces
import Foundation

/// `asymcache cache-replay`: replays a Mooncake trace through the cache manager alone and
/// prints, per policy and KV capacity, the token hit ratio and predicted rebuild time.
struct CacheReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache-replay",
        abstract: "Replay a Mooncake trace through the KV cache manager alone (no model).")

    @Option(help: "Mooncake JSONL trace.")
    var trace: String = "Traces/mooncake-fast25/synthetic_trace.jsonl"

    @Option(help: "KV capacities in tokens, comma-separated.")
    var capacities: String = "245760,491520,983040"

    @Option(help: "Policies, comma-separated: \(CacheReplay.allPolicyNames.joined(separator: ", ")).")
    var policies: String = "none,lru-prefix,radix-lru,asym-prefix,asym,oracle-prefix,oracle"

    @Option(help: "Cost profile (asymcache-profile-v1 or per-layer H100 JSON); default: shipped H100 profile.")
    var profile: String?

    @Option(help: "Replay only the first N requests.")
    var limit: Int?

    @Option(help: "Tokens per KV block.")
    var blockSize: Int = 16

    @Flag(help: "Give each request a session id: its first hash id (the trace has no session ids).")
    var derivedSessions = false

    @Option(help: "With --derived-sessions: extra uses asym credits to blocks of a session seen at least twice.")
    var sessionBonus: Double = 0

    func run() throws {
        let loaded = try profile.map { try CostProfile.load(contentsOf: URL(fileURLWithPath: $0)) } ?? CostProfile.h100Llama3_8B()
        let model = try CostModel(fitting: loaded)
        let replay = CacheReplay(
            trace: try MooncakeTrace(contentsOf: URL(fileURLWithPath: trace)), costModel: model, blockSize: blockSize)
        print("cost model fit (\(loaded.device)): mean relative error \(String(format: "%.3f", model.meanRelativeError(on: loaded)))")
        let names = policies.split(separator: ",").map(String.init)
        for capacity in capacities.split(separator: ",").compactMap({ Int($0) }) {
            var results: [CacheReplay.Result] = []
            for name in names { results.append(try replay.run(policyName: name, capacityTokens: capacity, limit: limit, derivedSessions: derivedSessions, sessionBonus: sessionBonus)) }
            print(CacheReplay.report(results))
        }
    }
}
