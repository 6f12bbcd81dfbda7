import AsymBench
import AsymCost
import AsymScheduler
import AsymSim
import ArgumentParser
import Foundation

/// `asymcache simulate`: the bench's side-by-side comparison with the engine's scheduler and KV
/// cache manager on a virtual clock, each pass priced by a cost model (GPU-scale what-ifs).
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate policies at GPU scale: the engine's scheduler and KV cache on a virtual clock driven by a cost model.")

    @Option(help: "A cost profile file (asymcache profile output or the H100 per-layer format), or h100-llama3-8b (shipped).")
    var profile: String = "h100-llama3-8b"

    @Option(help: "Model shape for KV bytes per token, weights, context and vocabulary: \(ModelShape.known.map(\.name).joined(separator: ", ")).")
    var modelShape: String = "llama3-8b"

    @Option(help: "KV memory in tokens.")
    var kvCacheTokens: Int?

    @Option(help: "GPU memory in GB (10^9 bytes): KV memory is what the weights leave.")
    var gpuMemoryGb: Double?

    @Option(help: "A Mooncake JSONL trace (same as --workload trace:FILE).")
    var trace: String?

    @Option(help: "At most this many sequences run at once.") var maxRunningSequences: Int = 256

    @OptionGroup var workloadOptions: WorkloadOptions

    @Option(help: "Directory for results.json, report.md and plot.svg.")
    var out: String = "simulate-results"

    @Option(help: "After the exact run, also run this many replicas with pass times scattered by --jitter (seeds 1…N), and print each mean and ratio as mean (lowest–highest) over them: a near-saturated loop is chaotic, so one run is one sample. Written to replicas.md.")
    var replicas: Int = 0

    @Option(help: "Relative standard deviation of pass times in the replicas.")
    var jitter: Double = 0.03

    func validate() throws {
        guard replicas >= 0 else { throw ValidationError("--replicas must be 0 or more") }
        guard jitter > 0 && jitter < 0.5 else { throw ValidationError("--jitter must be in (0, 0.5)") }
    }

    func run() throws {
        let (config, variants) = try workloadOptions.configuration(trace: trace)
        guard let shape = ModelShape.named(modelShape) else {
            throw ValidationError("unknown model shape \(modelShape) (known: \(ModelShape.known.map(\.name).joined(separator: ", ")))")
        }
        if kvCacheTokens != nil && gpuMemoryGb != nil { throw ValidationError("give --kv-cache-tokens or --gpu-memory-gb, not both") }
        let capacity: KVCapacity = kvCacheTokens.map { .tokens($0) }
            ?? gpuMemoryGb.map { .gpuMemory(bytes: Int($0 * 1e9)) } ?? .workingSetFraction

        let costProfile: CostProfile = profile == "h100-llama3-8b"
            ? try CostProfile.h100Llama3_8B() : try CostProfile.load(contentsOf: URL(fileURLWithPath: profile), layerCount: shape.layers)
        var simulation = Simulation(configuration: config, shape: shape, costModel: try CostModel(fitting: costProfile), capacity: capacity)
        simulation.maxRunningSequences = maxRunningSequences
        let work = try simulation.makeWorkload()
        let kv = try simulation.kvTokens(for: work)
        print("SIMULATED (virtual clock, cost profile \(profile), device \(costProfile.device)); model shape \(shape.name): "
              + String(format: "%d KiB KV/token, weights %.1f GB", shape.kvBytesPerToken / 1024, Double(shape.weightBytes) / 1e9))
        printRunHeader(work, kvTokens: kv, variants: variants)
        let progress = VariantProgress(variants: variants, total: work.callCount)
        let report = try simulation.run(work, machine: "\(profile) (\(costProfile.device))", progress: progress.update)
        progress.finish()
        print()
        print(report.comparisonTable())
        print(report.ratioTable())
        for v in report.variants {
            print(String(format: "%@: %d passes, simulated makespan %.1f s, wall %.1f s", v.name, v.iterations, v.makespan, v.wallSeconds))
            for f in v.failures.prefix(3) { print("  failure: \(f)") }
        }
        let command = (["asymcache"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        var files = try report.writeSimulated(to: URL(fileURLWithPath: out, isDirectory: true), command: command)
        if replicas > 0 {
            simulation.jitter = jitter
            let bar = ProgressBar(label: "replicas")
            let runs = try simulation.replicas(replicas, of: work, machine: "\(profile) (\(costProfile.device))") {
                bar.update($0, replicas)
            }
            bar.finish()
            let summary = String(format: "SIMULATED: %d replicas, pass times scattered by %.0f%%; mean (lowest–highest) over them\n\n",
                                 replicas, 100 * jitter) + ReplicaSummary(runs).tables()
            print("\n" + summary)
            let url = URL(fileURLWithPath: out, isDirectory: true).appendingPathComponent("replicas.md")
            try ("`\(command)`\n\n" + summary + "\n").write(to: url, atomically: true, encoding: .utf8)
            files.append(url)
        }
        print("wrote " + files.map { out + "/" + $0.lastPathComponent }.joined(separator: ", ")
              + String(format: " (%.0f s)", report.wallSeconds))
    }
}
