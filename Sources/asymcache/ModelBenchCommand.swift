import AsymBench
import AsymModel
import ArgumentParser
import Foundation

/// `asymcache model-bench`: prefill/decode throughput and holes-vs-contiguous attention.
struct ModelBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model-bench",
        abstract: "Measure forward-pass throughput and the cost of attending through spread holes.")

    @OptionGroup var modelOption: ModelOption

    @Option(help: "Comma-separated prefill lengths.")
    var prefill: String = "512"

    @Option(help: "Long context for decode and the holes test (default: min(4096, the model's limit - 512)).")
    var context: Int?

    @Option(help: "Repetitions per test (the median is reported).")
    var repetitions: Int = 3

    func run() throws {
        let model = try modelOption.loadModel()
        let context = self.context ?? min(4096, model.config.maxPositionEmbeddings - 512)
        let lengths = prefill.split(separator: ",").compactMap { Int($0) }
        print("model: \(modelOption.builtinName.map { "builtin:\($0)" } ?? modelOption.directory.lastPathComponent)"
              + " (\(model.config.layerCount) layers, hidden \(model.config.hiddenSize)), threads: \(ProcessInfo.processInfo.activeProcessorCount)")
        let rows = try ModelBenchmark(model: model, repetitions: repetitions).run(
            prefillLengths: lengths, context: context,
            progress: { FileHandle.standardError.write("… \($0)\n".data(using: .utf8)!) })
        print("| test | value | unit | note |\n|---|---:|---|---|")
        for row in rows {
            print("| \(row.test) | \(String(format: "%.2f", row.value)) | \(row.unit) | \(row.note) |")
        }
    }
}
