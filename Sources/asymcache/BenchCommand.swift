import AsymBench
import AsymEngine
import AsymScheduler
import ArgumentParser
import Foundation

/// `asymcache bench`: every chosen policy on the same workload, model and KV memory, one after
/// another; prints the comparison and writes results.json, report.md and plot.svg.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Compare cache policies side by side on a workload (same model, same KV memory), with a losslessness check.")

    @OptionGroup var modelOption: ModelOption

    @Option(help: "chat, agent, docs, or trace:FILE (Mooncake JSONL).")
    var workload: String = "chat"

    @Option(help: "Comma-separated policies: asym, asym-prefix, lru-prefix, radix-lru, none, each optionally +ttl. Default: all baselines and asym (agents add asym+ttl, lru-prefix+ttl).")
    var policies: String?

    @Option(help: "KV memory in tokens. Default: --kv-fraction of the workload's working set.")
    var kvCacheTokens: Int?

    @Option(help: "KV memory as a fraction of the working set, when --kv-cache-tokens is absent.")
    var kvFraction: Double = 0.4

    @Option(help: "Token budget of the asym policies: adaptive, adaptive:MS or fixed:N.")
    var budget: String = "adaptive"

    @Option(help: "Token budget of the baselines (vLLM's default max_num_batched_tokens is 2048).")
    var baselineBudget: String = "fixed:2048"

    @Option(help: "Workload seed.")
    var seed: UInt64 = 1

    @Option(help: "Closed-loop users (chat) or agents; for docs, the number of questions.")
    var users: Int?

    @Option(help: "Poisson job arrivals per second instead of closed-loop users.")
    var rate: Double?

    @Option(help: "Conversations or jobs per user.")
    var jobsPerUser: Int?

    @Option(help: "Multiply every token length (workloads are scaled to the model's context).")
    var lengthScale: Double?

    @Option(help: "Multiply every think/tool time or trace timestamp.")
    var timeScale: Double?

    @Option(help: "Trace replay: at most this many requests.")
    var maxRequests: Int?

    @Option(help: "A cost profile file (asymcache profile output). Default: the shipped one, or a quick calibration.")
    var profile: String?

    @Option(help: "Directory for results.json, report.md and plot.svg.")
    var out: String = "bench-results"

    func run() throws {
        var config = BenchConfiguration()
        guard let kind = WorkloadKind(parsing: workload) else { throw ValidationError("--workload must be chat, agent, docs or trace:FILE") }
        config.workload = kind
        config.policies = policies
        config.kvCacheTokens = kvCacheTokens
        config.kvFraction = kvFraction
        guard let asymBudget = TokenBudget(parsing: budget), let baseline = TokenBudget(parsing: baselineBudget) else {
            throw ValidationError("budgets are adaptive, adaptive:MS or fixed:N")
        }
        config.asymBudget = asymBudget
        config.baselineBudget = baseline
        config.seed = seed
        config.users = users
        config.rate = rate
        config.jobsPerUser = jobsPerUser
        config.lengthScale = lengthScale
        config.timeScale = timeScale
        config.maxRequests = maxRequests
        let variants: [PolicyVariant]
        do { variants = try config.variants() } catch { throw ValidationError("\(error)") }

        let loaded = try LoadedModel.load(modelOption.model, weightType: try modelOption.weightType())
        let costModel = try loaded.costModel(profile: profile.map { URL(fileURLWithPath: $0) })
        let bench = ModelBench(loaded: loaded, configuration: config, costModel: costModel)
        let work = try bench.makeWorkload()
        let kv = config.kvTokens(for: work)
        print("workload \(work.name): \(work.jobs.count) jobs, \(work.callCount) calls")
        for p in work.parameters { print("  \(p)") }
        print(String(format: "KV memory: %d tokens (%.0f%% of the working set of %d tokens); policies: %@", kv,
                     100 * Double(kv) / Double(max(1, work.workingSetTokens())), work.workingSetTokens(),
                     variants.map(\.description).joined(separator: ", ")))
        var bars: [ProgressBar] = []
        let report = try bench.run(work, machine: Profiler.deviceDescription()) { i, done in
            while bars.count <= i {
                bars.last?.finish()
                bars.append(ProgressBar(label: variants[bars.count].name.padding(toLength: 15, withPad: " ", startingAt: 0)))
            }
            bars[i].update(done, work.callCount)
        }
        bars.last?.finish()
        print()
        print(report.comparisonTable())
        print(report.ratioTable())
        print(report.lossless.summary)
        for d in report.lossless.differences { print("  \(d)") }
        let files = try report.write(to: URL(fileURLWithPath: out, isDirectory: true))
        print("wrote " + files.map { out + "/" + $0.lastPathComponent }.joined(separator: ", ")
              + String(format: " (%.0f s)", report.wallSeconds))
    }
}
