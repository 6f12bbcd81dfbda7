import Foundation
import AsymBench
import AsymScheduler
import ArgumentParser

/// The workload and policy options `bench` and `simulate` share.
struct WorkloadOptions: ParsableArguments {
    @Option(help: "chat, agent, docs, or trace:FILE (Mooncake JSONL).")
    var workload: String = "chat"

    @Option(help: "Comma-separated policies: asym, asym-prefix, asym-recency, lru-prefix, radix-lru, none, each optionally +ttl. Default: all baselines and asym (agents add asym+ttl, lru-prefix+ttl).")
    var policies: String?

    @Option(help: "KV memory as a fraction of the working set, when no size is given.")
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

    /// The benchmark configuration these options describe, and its policy variants. `trace`, when
    /// given, replaces `--workload` with `trace:FILE`.
    func configuration(trace: String? = nil) throws -> (BenchConfiguration, [PolicyVariant]) {
        var config = BenchConfiguration()
        guard let kind = WorkloadKind(parsing: trace.map { "trace:" + $0 } ?? workload) else {
            throw ValidationError("--workload must be chat, agent, docs or trace:FILE")
        }
        guard let asymBudget = TokenBudget(parsing: budget), let baseline = TokenBudget(parsing: baselineBudget) else {
            throw ValidationError("budgets are adaptive, adaptive:MS or fixed:N")
        }
        config.workload = kind
        config.policies = policies
        config.kvFraction = kvFraction
        config.asymBudget = asymBudget
        config.baselineBudget = baseline
        config.seed = seed
        config.users = users
        config.rate = rate
        config.jobsPerUser = jobsPerUser
        config.lengthScale = lengthScale
        config.timeScale = timeScale
        config.maxRequests = maxRequests
        do { return (config, try config.variants()) } catch { throw ValidationError("\(error)") }
    }
}

/// Prints what a side-by-side run is about to do: the workload, its parameters, the KV memory
/// and the policies.
func printRunHeader(_ work: Workload, kvTokens: Int, variants: [PolicyVariant]) {
    print("workload \(work.name): \(work.jobs.count) jobs, \(work.callCount) calls")
    for p in work.parameters { print("  \(p)") }
    let workingSet = work.workingSetTokens()
    print(String(format: "KV memory: %d tokens (%.0f%% of the working set of %d tokens); policies: %@", kvTokens,
                 100 * Double(kvTokens) / Double(max(1, workingSet)), workingSet,
                 variants.map(\.description).joined(separator: ", ")))
}
