import ArgumentParser
import AsymEngine
import AsymKV
import AsymScheduler
import AsymServer
import Foundation

/// `asymcache serve`: the OpenAI-compatible HTTP server. SIGINT or SIGTERM stops accepting,
/// finishes the requests in flight, and exits 0.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve a model through an OpenAI-compatible HTTP API.")

    @OptionGroup var modelOption: ModelOption

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port, printed at start).")
    var port: Int = 8000

    @Option(help: "The model name clients use; default: the model's directory name.")
    var servedModelName: String?

    @Option(help: "Cache policy: \(PolicyKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var policy: String = "asym"

    @Option(help: "KV cache capacity in tokens.")
    var kvCacheTokens: Int = 65_536

    @Option(help: "Most sequences running at once.")
    var maxNumSeqs: Int = 256

    @Option(help: "Most requests waiting; more are answered 429.")
    var maxWaitingRequests: Int = 1024

    @Option(help: "Token budget per iteration: adaptive, adaptive:MS or fixed:N.")
    var budget: String = "adaptive"

    @Option(help: "Admission order: fcfs, spf (shortest predicted prefill first) or spf:SLACK. Default: spf for asym policies, fcfs for the baselines.")
    var admissionOrder: String?

    @Option(help: "Largest request body in bytes; larger ones are answered 413.")
    var maxBodyBytes: Int = 4 << 20

    @Option(help: "Cost profile for the adaptive budget and the asym policy (default: the model's shipped CPU profile, or a quick calibration).")
    var profile: String?

    func run() async throws {
        guard let policy = PolicyKind(rawValue: policy) else { throw ValidationError("unknown --policy \(policy)") }
        guard let budget = TokenBudget(parsing: budget) else { throw ValidationError("bad --budget \(budget)") }
        let order = try admissionOrder.map {
            guard let o = AdmissionOrder(parsing: $0) else { throw ValidationError("bad --admission-order \($0)") }
            return o
        }
        guard kvCacheTokens > 0, maxNumSeqs > 0, maxWaitingRequests >= 0, maxBodyBytes > 0 else {
            throw ValidationError("--kv-cache-tokens, --max-num-seqs and --max-body-bytes must be positive")
        }
        let model = try LoadedModel.load(modelOption.model, weightType: try modelOption.weightType(), kvElementType: try modelOption.kvElementType())
        let config = ServerConfig(
            host: host, port: port, servedModelName: servedModelName, policy: policy, kvCacheTokens: kvCacheTokens,
            maxRunningSequences: maxNumSeqs, maxWaitingRequests: maxWaitingRequests, budget: budget,
            admissionOrder: order, maxBodyBytes: maxBodyBytes, costModel: try model.costModel(profile: profile.map { URL(fileURLWithPath: $0) }))
        let served = ServedModel(model: model, config: config, now: Int(Date().timeIntervalSince1970))
        try await runServer(config: config, served: served)
    }
}
