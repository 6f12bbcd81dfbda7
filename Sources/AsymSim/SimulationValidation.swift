import AsymBench
import Foundation

/// Measured against simulated: for each policy of a `bench` run, the simulator's mean TTFT and TPOT
/// on the same workload, KV memory and cost model, and the relative error of each.
public struct SimulationValidation: Sendable {
    public struct Row: Sendable {
        public var policy: String
        public var measuredTTFT: Double, simulatedTTFT: Double
        public var measuredTPOT: Double, simulatedTPOT: Double
        /// The cost model's error on the measured run's own passes: (predicted − measured) / measured
        /// summed execute time. It separates the profile's drift from the simulator's logic.
        public var passTimeError: Double?
        /// The same over decode-only passes.
        public var decodePassTimeError: Double?
        /// (simulated − measured) / measured.
        public var ttftError: Double { (simulatedTTFT - measuredTTFT) / measuredTTFT }
        public var tpotError: Double { (simulatedTPOT - measuredTPOT) / measuredTPOT }
    }

    public var rows: [Row]

    /// Pairs the variants of the two reports by name (policies missing from either are skipped).
    public init(measured: BenchReport, simulated: BenchReport) {
        rows = measured.variants.compactMap { m in
            guard let s = simulated.variants.first(where: { $0.name == m.name }),
                  let mt = m.timeToFirstToken?.mean, let st = s.timeToFirstToken?.mean,
                  let mp = m.timePerOutputToken?.mean, let sp = s.timePerOutputToken?.mean, mt > 0, mp > 0
            else { return nil }
            func error(_ measured: Double?, _ predicted: Double?) -> Double? {
                guard let measured, let predicted, measured > 0 else { return nil }
                return (predicted - measured) / measured
            }
            return Row(policy: m.name, measuredTTFT: mt, simulatedTTFT: st, measuredTPOT: mp, simulatedTPOT: sp,
                       passTimeError: error(m.executeSeconds, m.predictedExecuteSeconds),
                       decodePassTimeError: error(m.decodeOnlyExecuteSeconds, m.decodeOnlyPredictedSeconds))
        }
    }

    /// The largest |error| over every row, TTFT and TPOT.
    public var worstError: Double { rows.flatMap { [abs($0.ttftError), abs($0.tpotError)] }.max() ?? 0 }

    /// A Markdown table, times in ms.
    public func table() -> String {
        var lines = [
            "| policy | TTFT measured (ms) | TTFT simulated (ms) | error | TPOT measured (ms) | TPOT simulated (ms) | error | pass time predicted vs measured | decode-only passes |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in rows {
            let pass = r.passTimeError.map { String(format: "%+.1f%%", 100 * $0) } ?? "–"
            let decode = r.decodePassTimeError.map { String(format: "%+.1f%%", 100 * $0) } ?? "–"
            lines.append(String(format: "| %@ | %.1f | %.1f | %+.1f%% | %.2f | %.2f | %+.1f%% | %@ | %@ |", r.policy,
                                1000 * r.measuredTTFT, 1000 * r.simulatedTTFT, 100 * r.ttftError,
                                1000 * r.measuredTPOT, 1000 * r.simulatedTPOT, 100 * r.tpotError, pass, decode))
        }
        return lines.joined(separator: "\n")
    }
}
