import AsymCost
import AsymEngine
import ArgumentParser
import Foundation

/// `asymcache profile`: measure this machine's cost surface and write a profile file.
struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Measure pass times (prefill P×C grid and decode batches) with the engine's kernels; write a profile.")

    @OptionGroup var modelOption: ModelOption

    @Option(help: "Where to write the profile (asymcache-profile-v1 JSON).")
    var out: String = "profile.json"

    @Option(help: "Timed repetitions per point and round.")
    var repetitions: Int = 3

    @Option(help: "Passes over the whole grid; each point gets the median of its samples from all rounds.")
    var rounds: Int = 3

    func run() throws {
        guard repetitions > 0, rounds > 0 else { throw ValidationError("--repetitions and --rounds must be positive") }
        let loaded = try LoadedModel.load(modelOption.model, weightType: try modelOption.weightType(), kvElementType: try modelOption.kvElementType())
        let profiler = Profiler(model: loaded.model, repetitions: repetitions, rounds: rounds, kvElementType: loaded.kvElementType)
        let start = Date()
        let progress = ProgressBar(label: "profile")
        let fitRows = try profiler.measure(profiler.fitGrid(), device: Profiler.deviceDescription(), progress: progress.update)
        let heldOut = try profiler.measure(profiler.heldOutGrid(), device: "", progress: progress.update)
        progress.finish()
        var profile = fitRows
        profile.model = loaded.name
        profile.step = try profiler.measureStepOverhead(tokenizer: loaded.tokenizer)
        try profile.encoded().write(to: URL(fileURLWithPath: out))
        let model = try CostModel(fitting: profile)
        let c = model.coefficients
        print(String(format: "fitted: t = %.3f + %.3g·min(T, 64) + %.3g·max(T − 512, 0) + Σ_segments(%.3g·P + %.4g·C + %.3g·(2PC + C²)) + Σ_decodes(%.4g + %.3g·P) + %.3g·D + %.3g·max(D − %d, 0) [+ %.3g + %.3g·P for a lone decode] ms (D: distinct decode context)",
                     c.constant, c.perSmallPassToken, c.perLargePassToken, c.perPrefix, c.perToken, c.perAttended, c.perDecodeToken,
                     c.perDecodeContext, c.perDecodeDistinctKey, c.perDecodeUncachedKey, c.decodeCachedKeys, c.perLoneDecode,
                     c.perLoneDecodeContext))
        if let step = profile.step {
            print(String(format: "engine step overhead (host time outside the pass): %.1f µs + %.2f µs per sequence + %.3f µs per block of context",
                         1000 * step.fixedMs, 1000 * step.perSequenceMs, 1000 * step.perContextBlockMs))
        }
        print("fit error (mean, on the \(profile.prefill.count + profile.decode.count) fitting points): "
              + String(format: "%.1f%%", 100 * model.meanRelativeError(on: profile)))
        print("\nheld-out points:\n| kind | P | C or B | measured ms | predicted ms | error |\n|---|---:|---:|---:|---:|---:|")
        var errors: [Double] = []
        for row in heldOut.prefill {
            let predicted = model.passTime(segments: [row.P ..< row.P + row.C])
            errors.append(abs(predicted - row.ms) / row.ms)
            print(String(format: "| prefill | %d | %d | %.2f | %.2f | %.1f%% |", row.P, row.C, row.ms, predicted, 100 * errors.last!))
        }
        for row in heldOut.decode {
            let shared = row.distinctContext.map { row.B * row.P - $0 } ?? 0
            let predicted = model.passTime(segments: [], decodeContexts: Array(repeating: row.P, count: row.B),
                                           sharedDecodeContext: shared)
            errors.append(abs(predicted - row.ms) / row.ms)
            print(String(format: "| %@ | %d | %d | %.2f | %.2f | %.1f%% |", shared > 0 ? "decode, shared context" : "decode",
                         row.P, row.B, row.ms, predicted, 100 * errors.last!))
        }
        let mean = errors.reduce(0, +) / Double(errors.count)
        print(String(format: "\nheld-out error: mean %.1f%%, max %.1f%%", 100 * mean, 100 * (errors.max() ?? 0)))
        print(String(format: "wrote %@ in %.0f s", out, Date().timeIntervalSince(start)))
    }
}
