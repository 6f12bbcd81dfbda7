import AsymBench
import AsymCost
import Foundation

/// Measured against simulated: for each policy of a `bench` run, the simulator's mean TTFT and TPOT
/// on the same workload, KV memory and cost model, and the relative error of each.
public struct SimulationValidation: Sendable {
    public struct Row: Sendable {
        public var policy: String
        public var measuredTTFT: Double, simulatedTTFT: Double
        public var measuredTPOT: Double, simulatedTPOT: Double
        /// The host's slowdown against the profile around the measured run (the bench's probe),
        /// which the simulation priced this policy's passes with; nil when not probed.
        public var hostSlowdown: HostSlowdown?
        /// The cost model's error on the measured run's own passes: (predicted − measured) / measured
        /// summed execute time, with the profile as is. It separates the host's drift and the
        /// profile's fit from the simulator's logic.
        public var passTimeError: Double?
        /// The same as `passTimeError` over decode-only passes.
        public var decodePassTimeError: Double?
        /// Errors of a simulation with the profile as is (no host-speed correction), when run.
        public var unprobedErrors: (ttft: Double, tpot: Double)?
        /// (simulated − measured) / measured.
        public var ttftError: Double { (simulatedTTFT - measuredTTFT) / measuredTTFT }
        public var tpotError: Double { (simulatedTPOT - measuredTPOT) / measuredTPOT }
    }

    public var rows: [Row]

    /// Pairs the variants of the reports by name (policies missing from either are skipped).
    /// `unprobed`: the same simulation with the profile as is, when `simulated` used probed speeds.
    public init(measured: BenchReport, simulated: BenchReport, unprobed: BenchReport? = nil) {
        rows = measured.variants.compactMap { m in
            guard let s = simulated.variants.first(where: { $0.name == m.name }),
                  let mt = m.timeToFirstToken?.mean, let st = s.timeToFirstToken?.mean,
                  let mp = m.timePerOutputToken?.mean, let sp = s.timePerOutputToken?.mean, mt > 0, mp > 0
            else { return nil }
            func error(_ measured: Double?, _ predicted: Double?) -> Double? {
                guard let measured, let predicted, measured > 0 else { return nil }
                return (predicted - measured) / measured
            }
            var unprobedErrors: (Double, Double)?
            if let u = unprobed?.variants.first(where: { $0.name == m.name }),
               let ut = u.timeToFirstToken?.mean, let up = u.timePerOutputToken?.mean {
                unprobedErrors = ((ut - mt) / mt, (up - mp) / mp)
            }
            return Row(policy: m.name, measuredTTFT: mt, simulatedTTFT: st, measuredTPOT: mp, simulatedTPOT: sp,
                       hostSlowdown: m.hostSlowdown,
                       passTimeError: error(m.executeSeconds, m.predictedExecuteSeconds),
                       decodePassTimeError: error(m.decodeOnlyExecuteSeconds, m.decodeOnlyPredictedSeconds),
                       unprobedErrors: unprobedErrors)
        }
    }

    /// The largest |error| over every row, TTFT and TPOT.
    public var worstError: Double { rows.flatMap { [abs($0.ttftError), abs($0.tpotError)] }.max() ?? 0 }

    /// The same for the simulation with the profile as is, when it was run.
    public var worstUnprobedError: Double? {
        let errors = rows.compactMap(\.unprobedErrors).flatMap { [abs($0.ttft), abs($0.tpot)] }
        return errors.isEmpty ? nil : errors.max()
    }

    /// A Markdown table, times in ms.
    public func table() -> String {
        var lines = [
            "| policy | TTFT measured (ms) | TTFT simulated (ms) | error | TPOT measured (ms) | TPOT simulated (ms) | error | host vs profile, probed: prefill / decode | profile vs the run's passes: all / decode-only | errors with the profile as is: TTFT / TPOT |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        func percent(_ x: Double?) -> String { x.map { String(format: "%+.1f%%", 100 * $0) } ?? "–" }
        for r in rows {
            let slowdown = r.hostSlowdown.map { "\(percent($0.prefill - 1)) / \(percent($0.decode - 1))" } ?? "–"
            let unprobed = r.unprobedErrors.map { "\(percent($0.ttft)) / \(percent($0.tpot))" } ?? "–"
            lines.append(String(format: "| %@ | %.1f | %.1f | %+.1f%% | %.2f | %.2f | %+.1f%% | %@ | %@ / %@ | %@ |", r.policy,
                                1000 * r.measuredTTFT, 1000 * r.simulatedTTFT, 100 * r.ttftError,
                                1000 * r.measuredTPOT, 1000 * r.simulatedTPOT, 100 * r.tpotError, slowdown,
                                percent(r.passTimeError), percent(r.decodePassTimeError), unprobed))
        }
        return lines.joined(separator: "\n")
    }
}
