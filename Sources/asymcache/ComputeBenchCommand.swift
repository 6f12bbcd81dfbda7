import AsymBench
import ArgumentParser
import CPUKernels
import Foundation

/// `asymcache compute-bench`: the llama.cpp comparison table (prefill, decode, batched decode,
/// holes) with achieved GFLOP/s or GB/s next to this machine's measured ceilings.
struct ComputeBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compute-bench",
        abstract: "Measure prefill/decode compute against this machine's FMA and memory ceilings (use -c release).")

    @OptionGroup var modelOption: ModelOption

    @Option(help: "Comma-separated prefill lengths (each from an empty cache).")
    var prefill: String = "512,2048,4096"

    @Option(help: "Long decode context.")
    var context: Int = 4096

    @Option(help: "Sequences in the batched decode (0 skips it).")
    var batch: Int = 32

    @Option(help: "Context of each sequence in the batched decode.")
    var batchContext: Int = 1024

    @Option(help: "Repetitions per test (the median is reported).")
    var repetitions: Int = 3

    func run() throws {
        let model = try modelOption.loadModel()
        let ceilings = MachineCeilings.measure()
        print("model: \(modelOption.model ?? "default") weights \(modelOption.weights), "
              + "threads: \(ProcessInfo.processInfo.activeProcessorCount), kernels: \(VectorUnit.active.rawValue)")
        print(String(format: "ceilings: %.0f GFLOP/s register FMA, %.1f GB/s streaming read (all cores)",
                     ceilings.fmaGFLOPS, ceilings.readGBps))
        let rows = try ComputeBenchmark(model: model, repetitions: repetitions).run(
            prefillLengths: prefill.split(separator: ",").compactMap { Int($0) }, context: context, batch: batch,
            batchContext: batchContext, progress: { FileHandle.standardError.write("… \($0)\n".data(using: .utf8)!) })
        print("| test | value | unit | achieved | cpu/wall |\n|---|---:|---|---|---:|")
        for row in rows {
            let share = row.cpuShare > 0 ? String(format: "%.2f", row.cpuShare) : "-"
            print("| \(row.test) | \(String(format: "%.2f", row.value)) | \(row.unit) | \(row.rate) | \(share) |")
        }
        print("cpu/wall: process CPU seconds per wall second of the median run; below the thread count means"
              + " other processes shared the cores.")
    }
}
