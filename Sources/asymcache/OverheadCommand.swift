import AsymEngine
import AsymKV
import ArgumentParser
import Foundation

/// `asymcache overhead`: the scheduler's and cache manager's share of iteration time.
struct OverheadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overhead",
        abstract: "Measure the scheduler + KV cache manager share of iteration time with many running sequences.")

    @OptionGroup var modelOption: ModelOption

    @Option(help: "Concurrent sequences.")
    var sequences: Int = 128

    @Option(help: "Comma-separated policies.")
    var policies: String = "lru-prefix,radix-lru,asym"

    func run() throws {
        let loaded = try LoadedModel.load(modelOption.model, weightType: try modelOption.weightType(), kvElementType: try modelOption.kvElementType())
        let bench = OverheadBenchmark(loaded: loaded)
        let cost = try loaded.costModel()
        print("| policy | iterations | max running | scheduler+KV ms | forward ms | sampling ms | scheduler+KV share |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name in policies.split(separator: ",") {
            guard let policy = PolicyKind(rawValue: String(name)) else { throw ValidationError("unknown policy \(name)") }
            let r = try bench.run(policy: policy, sequences: sequences, costModel: cost)
            print(String(format: "| %@ | %d | %d | %.1f | %.1f | %.1f | %.2f%% |", policy.rawValue, r.iterations, r.maxRunning,
                         r.scheduleSeconds * 1000, r.executeSeconds * 1000, r.sampleSeconds * 1000, 100 * r.overheadFraction))
        }
    }
}
