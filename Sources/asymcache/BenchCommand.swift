import AsymBench
import AsymEngine
import AsymModel
import AsymScheduler
import AsymSim
import ArgumentParser
import Foundation

/// `asymcache bench`: every chosen policy on the same workload, model and KV memory, one after
/// another; prints the comparison and writes results.json, report.md and plot.svg.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Compare cache policies side by side on a workload (same model, same KV memory), with a losslessness check.")

    @OptionGroup var modelOption: ModelOption

    @OptionGroup var workloadOptions: WorkloadOptions

    @Option(help: "KV memory in tokens. Default: --kv-fraction of the workload's working set.")
    var kvCacheTokens: Int?

    @Option(help: "A cost profile file (asymcache profile output). Default: the shipped one, or a quick calibration.")
    var profile: String?

    @Option(help: "Directory for results.json, report.md and plot.svg.")
    var out: String = "bench-results"

    @Flag(help: "Also run the simulator on the same workload, KV memory and cost model, and print its mean TTFT and TPOT next to the measured ones (validates the simulator on this machine). Two last columns show how much slower than the profile this host ran the measured passes (a few percent there moves a near-saturated closed loop by tens of percent), and the errors of replicas priced at that speed.")
    var simulate = false

    /// Simulated replicas per validation, and the scatter of their pass times: per-pass measured over
    /// predicted time in a chat run had a robust standard deviation of 3–8% by batch size (measured).
    static let validationReplicas = 8
    static let validationJitter = 0.03

    func run() throws {
        var (config, variants) = try workloadOptions.configuration()
        config.kvCacheTokens = kvCacheTokens

        let loaded = try LoadedModel.load(modelOption.model, weightType: try modelOption.weightType(), kvElementType: try modelOption.kvElementType())
        let costModel = try loaded.costModel(profile: profile.map { URL(fileURLWithPath: $0) })
        let bench = ModelBench(loaded: loaded, configuration: config, costModel: costModel)
        let work = try bench.makeWorkload()
        let kv = config.kvTokens(for: work)
        printRunHeader(work, kvTokens: kv, variants: variants)
        let progress = VariantProgress(variants: variants, total: work.callCount)
        let report = try bench.run(work, machine: Profiler.deviceDescription(), progress: progress.update)
        progress.finish()
        print()
        print(report.comparisonTable())
        print(report.ratioTable())
        print(report.lossless.summary)
        for d in report.lossless.differences { print("  \(d)") }
        if simulate {
            let c = loaded.config
            let shape = ModelShape(name: loaded.name, layers: c.layerCount, hiddenSize: c.hiddenSize, attentionHeads: c.headCount,
                                   kvHeads: c.kvHeadCount, headDim: c.headDim, intermediateSize: c.intermediateSize,
                                   vocabularySize: c.vocabularySize, contextLimit: c.maxPositionEmbeddings, bytesPerElement: 4)
            var simulation = Simulation(configuration: config, shape: shape, costModel: costModel, capacity: .tokens(kv))
            simulation.jitter = Self.validationJitter
            let replicas = try simulation.replicas(Self.validationReplicas, of: work, machine: "cost model of this bench")
            for v in report.variants { simulation.hostSlowdown[v.name] = v.passSlowdown }
            let atRunSpeed = try simulation.replicas(Self.validationReplicas, of: work, machine: "cost model of this bench, at the run's speed")
            let validation = SimulationValidation(measured: report, replicas: replicas, atRunSpeed: atRunSpeed)
            print(String(format: "\nsimulator vs measurement (same workload, KV memory and cost model; %d replicas, pass times scattered by %.0f%%):\n",
                         Self.validationReplicas, 100 * Self.validationJitter) + validation.table())
            print(String(format: "largest error: %.1f%% (at the speed the run's passes showed: %.1f%%)", 100 * validation.worstError,
                         100 * (validation.worstAtRunSpeedError ?? .nan)))
            let drift = validation.rows.compactMap(\.passSlowdown).map { max(abs($0.prefill - 1), abs($0.decode - 1)) }.max() ?? 0
            if drift > 0.05 {
                print(String(format: "this machine ran up to %.0f%% off the profile's speed; near saturation that moves TTFT and TPOT by several times as much: profile it now (asymcache profile --out p.json) and pass --profile p.json for a tighter check", 100 * drift))
            }
        }
        let files = try report.write(to: URL(fileURLWithPath: out, isDirectory: true))
        print("wrote " + files.map { out + "/" + $0.lastPathComponent }.joined(separator: ", ")
              + String(format: " (%.0f s)", report.wallSeconds))
    }
}
