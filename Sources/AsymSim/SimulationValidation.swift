import AsymBench
import AsymCost
import Foundation

/// Measured against simulated: for each policy of a `bench` run, the simulator's mean TTFT and TPOT
/// on the same workload, KV memory and cost model, and the relative error of each, next to how much
/// slower than the cost model the measured run's own passes were (the host's drift since the profile).
public struct SimulationValidation: Sendable {
    public struct Row: Sendable {
        public var policy: String
        public var measuredTTFT: Double, simulatedTTFT: Double
        public var measuredTPOT: Double, simulatedTPOT: Double
        /// Measured over predicted time of the run's passes with prefill tokens and of its
        /// decode-only passes (`VariantResult.passSlowdown`).
        public var passSlowdown: HostSlowdown?
        /// (simulated − measured) / measured.
        public var ttftError: Double { (simulatedTTFT - measuredTTFT) / measuredTTFT }
        public var tpotError: Double { (simulatedTPOT - measuredTPOT) / measuredTPOT }
    }

    public var rows: [Row]

    /// Pairs the variants of the reports by name (policies missing from either are skipped).
    public init(measured: BenchReport, simulated: BenchReport) {
        rows = measured.variants.compactMap { m in
            guard let s = simulated.variants.first(where: { $0.name == m.name }),
                  let mt = m.timeToFirstToken?.mean, let st = s.timeToFirstToken?.mean,
                  let mp = m.timePerOutputToken?.mean, let sp = s.timePerOutputToken?.mean, mt > 0, mp > 0
            else { return nil }
            return Row(policy: m.name, measuredTTFT: mt, simulatedTTFT: st, measuredTPOT: mp, simulatedTPOT: sp,
                       passSlowdown: m.passSlowdown)
        }
    }

    /// The largest |error| over every row, TTFT and TPOT.
    public var worstError: Double { rows.flatMap { [abs($0.ttftError), abs($0.tpotError)] }.max() ?? 0 }

    /// A Markdown table, times in ms.
    public func table() -> String {
        var lines = [
            "| policy | TTFT measured (ms) | TTFT simulated (ms) | error | TPOT measured (ms) | TPOT simulated (ms) | error | host slower than the profile: passes with prefill / decode-only |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        func percent(_ x: Double?) -> String { x.map { String(format: "%+.1f%%", 100 * $0) } ?? "–" }
        for r in rows {
            let drift = r.passSlowdown.map { "\(percent($0.prefill - 1)) / \(percent($0.decode - 1))" } ?? "–"
            lines.append(String(format: "| %@ | %.1f | %.1f | %+.1f%% | %.2f | %.2f | %+.1f%% | %@ |", r.policy,
                                1000 * r.measuredTTFT, 1000 * r.simulatedTTFT, 100 * r.ttftError,
                                1000 * r.measuredTPOT, 1000 * r.simulatedTPOT, 100 * r.tpotError, drift))
        }
        return lines.joined(separator: "\n")
    }
}
