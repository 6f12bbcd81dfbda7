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

    @Option(help: "KV cache element type: f32, f16, or auto (f16 for f16/bf16 weights, as llama.cpp's default).")
    var kv: String = "auto"

    private func kvElementType() throws -> KVElementType {
        switch kv {
        case "auto": return try modelOption.weightType() == .f32 ? .f32 : .f16
        case "f32": return .f32
        case "f16": return .f16
        default: throw ValidationError("--kv must be f32, f16 or auto")
        }
    }

    func run() throws {
        let model = try modelOption.loadModel()
        let kvType = try kvElementType()
        let ceilings = MachineCeilings.measure()
        print("model: \(modelOption.model ?? "default") weights \(modelOption.weights), KV cache \(kvType.rawValue), "
              + "threads: \(ProcessInfo.processInfo.activeProcessorCount), kernels: \(VectorUnit.active.rawValue)")
        print(String(format: "probed ceilings (simple loops, lower bounds: tuned kernels can exceed them): %.0f GFLOP/s register FMA, %.1f GB/s streaming read (all cores)",
                     ceilings.fmaGFLOPS, ceilings.readGBps))
        let rows = try ComputeBenchmark(model: model, repetitions: repetitions, kvElementType: kvType).run(
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
