import AsymCore
import AsymCost
import AsymEngine
import AsymKV
import AsymModel
import AsymTokenizer
import AsymScheduler
import ArgumentParser
import Foundation

/// `asymcache generate`: one prompt through the engine, text streamed to stdout.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a continuation of a prompt (or a chat reply with --chat), streamed to stdout.")

    @OptionGroup var modelOption: ModelOption

    @Option(help: "The prompt. Escapes \\n, \\t and \\\\ are interpreted.")
    var prompt: String

    @Flag(help: "Treat the prompt as a user message and apply the model's chat template.")
    var chat = false

    @Option(help: "Maximum number of new tokens.")
    var maxTokens: Int = 48

    @Option(help: "Sampling temperature (0 = greedy).")
    var temperature: Float = 0

    @Option(help: "Nucleus sampling: keep the smallest set of tokens whose probability reaches this.")
    var topP: Float = 1

    @Option(help: "Keep only the k most likely tokens (0 = all).")
    var topK: Int = 0

    @Option(help: "Seed for reproducible sampling.")
    var seed: UInt64?

    @Option(help: "Stop string (repeatable).")
    var stop: [String] = []

    @Flag(help: "Print usage and timings to stderr.")
    var verbose = false

    func run() throws {
        let loaded = try LoadedModel.load(modelOption.model, weightType: try modelOption.weightType(), kvElementType: try modelOption.kvElementType())
        let text = Self.unescape(prompt)
        let request = GenerationRequest(
            prompt: chat ? .messages([.init(role: "user", content: text)]) : .text(text),
            sampling: SamplingParams(temperature: temperature, topK: topK, topP: topP, maxTokens: maxTokens,
                                     stopStrings: stop, seed: seed))
        let contextTokens = loaded.config.maxPositionEmbeddings + 16
        let core = loaded.makeEngine(policy: .none, kvCacheTokens: contextTokens, budget: .fixed(2048),
                                     costModel: .tokenCounting)
        var summary: GenerationSummary?
        try core.add(request) { event in
            switch event {
            case .token(_, let piece):
                FileHandle.standardOutput.write(Data(piece.utf8))
            case .finished(let s):
                summary = s
            }
        }
        while core.hasWork { core.step() }
        print("")
        if let s = summary {
            if let error = s.error { throw ValidationError(error) }
            if verbose {
                let ttft = (s.timeToFirstToken ?? 0) * 1000
                let tpot = (s.timePerOutputToken ?? 0) * 1000
                FileHandle.standardError.write(Data(String(
                    format: "[%d prompt tokens, %d new tokens, finish: %@, TTFT %.1f ms, TPOT %.2f ms]\n",
                    s.promptTokenCount, s.outputTokens.count, s.finishReason.rawValue, ttft, tpot).utf8))
            }
        }
    }

    static func unescape(_ s: String) -> String {
        var out = ""
        var escaped = false
        for ch in s {
            if escaped {
                switch ch {
                case "n": out.append("\n")
                case "t": out.append("\t")
                default: out.append(ch)
                }
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else {
                out.append(ch)
            }
        }
        if escaped { out.append("\\") }
        return out
    }
}
