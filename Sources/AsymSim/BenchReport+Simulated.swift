import AsymBench
import Foundation

extension BenchReport {
    /// The bench report with a banner saying every time in it is simulated (predicted by a cost
    /// model, not measured), and what the outputs check means here.
    public func simulatedMarkdown(command: String) -> String {
        "> **SIMULATED.** Times come from a cost model on a virtual clock, not from running a model. The\n"
            + "> scheduler and KV cache manager are the engine's own code. Outputs are placeholder tokens, so the\n"
            + "> identical-outputs line below checks only output lengths. Command: `\(command)`\n\n"
            + markdown()
    }

    /// Writes results.json, report.md (with the simulated banner) and plot.svg into `directory`.
    @discardableResult
    public func writeSimulated(to directory: URL, command: String) throws -> [URL] {
        let files = try write(to: directory)
        let md = directory.appendingPathComponent("report.md")
        try Data(simulatedMarkdown(command: command).utf8).write(to: md)
        return files
    }
}
