import ArgumentParser
import AsymCore
import AsymCost
import AsymKV
import AsymTraces
import Foundation

/// `asymcache kv-bench`: timings of the cache manager on a large pool (build with -c release).
struct KVBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kv-bench", abstract: "Time lookup/admit/release and eviction of the KV cache manager.")

    @Option(help: "Blocks in the pool.")
    var blocks: Int = 1 << 20

    @Option(help: "Prompt length of the per-request figures, in tokens.")
    var requestTokens: Int = 32_768

    @Option(help: "Blocks evicted per timed admission.")
    var evictionBlocks: Int = 1_000

    @Option(help: "Repetitions (the median is reported).")
    var repetitions: Int = 20

    @Option(help: "Policies of the per-request figures, comma-separated.")
    var policies: String = "lru-prefix,radix-lru,asym-prefix,asym"

    @Flag(help: "Skip the eviction figures (they fill the whole pool first).")
    var skipEviction = false

    @Option(help: "Profiling aid: repeat lookup, admit and release of one cached prompt this many times per policy (no figures).")
    var loopCached = 0

    func run() throws {
        let model = try CostModel.h100Llama3_8B()
        let bench = KVBenchmark(
            blockCount: blocks, requestTokens: requestTokens, evictionBlocks: evictionBlocks, repetitions: repetitions)
        if loopCached > 0 { return try loop(model) }
        print("pool: \(blocks) blocks of 16 tokens; median of \(repetitions) runs")
        for name in policies.split(separator: ",") {
            guard let policy = PolicyKind(rawValue: String(name)) else { throw ValidationError("unknown policy \(name)") }
            for f in try bench.requestPath(policy: policy, costModel: model) { print(Self.line(f)) }
        }
        guard !skipEviction else { return }
        for policy in PolicyKind.allCases where policy != .none {
            print(Self.line(try bench.evictionPerBlock(policy: policy, costModel: model)))
        }
    }

    /// The cached per-request path only, `loopCached` times, for a sampling profiler.
    func loop(_ model: CostModel) throws {
        for name in policies.split(separator: ",") {
            guard let policy = PolicyKind(rawValue: String(name)) else { throw ValidationError("unknown policy \(name)") }
            let manager = KVCacheManager(blockCount: blocks, policy: policy, costModel: model)
            let prompt = (0..<requestTokens).map { TokenID(truncatingIfNeeded: ($0 &* 2_654_435_761) % 128_000) }
            try manager.admit(RequestID(0), tokens: prompt, now: 0)
            try manager.commit(RequestID(0), blocks: 0..<Int.max, now: 0)
            try manager.release(RequestID(0), now: 0)
            let start = ContinuousClock.now
            for r in 1...loopCached {
                let l = manager.lookup(tokens: prompt)
                try manager.admit(RequestID(UInt64(r)), tokens: prompt, now: Double(r), lookup: l)
                try manager.release(RequestID(UInt64(r)), now: Double(r))
            }
            let seconds = (ContinuousClock.now - start) / loopCached / .seconds(1)
            print("\(policy.rawValue): cached \(requestTokens / 1024)K lookup + admit + release " + String(format: "%.2f µs", seconds * 1e6))
        }
    }

    static func line(_ f: KVBenchmark.Figure) -> String {
        f.name.padding(toLength: 48, withPad: " ", startingAt: 0) + String(format: "%10.2f µs", f.microseconds)
    }
}
