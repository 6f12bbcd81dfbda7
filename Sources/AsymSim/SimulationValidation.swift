import AsymBench
import AsymCost
import Foundation

/// Measured against simulated: for each policy of a `bench` run, the simulator's mean TTFT and TPOT
/// on the same workload, KV memory and cost model, and the relative error of each. A second
/// simulation, priced at the speed the measured run's own passes showed against the cost model,
/// separates the simulator's logic (scheduling, caching, queueing) from the host's drift.
public struct SimulationValidation: Sendable {
    public struct Row: Sendable {
        public var policy: String
        public var measuredTTFT: Double, simulatedTTFT: Double
        public var measuredTPOT: Double, simulatedTPOT: Double
        /// Measured over predicted time of the run's passes with prefill tokens and of its
        /// decode-only passes (`VariantResult.passSlowdown`).
        public var passSlowdown: HostSlowdown?
        /// TTFT and TPOT errors of the simulation priced at `passSlowdown`, when run.
        public var atRunSpeedErrors: (ttft: Double, tpot: Double)?
        /// (simulated − measured) / measured, with the profile as is.
        public var ttftError: Double { (simulatedTTFT - measuredTTFT) / measuredTTFT }
        public var tpotError: Double { (simulatedTPOT - measuredTPOT) / measuredTPOT }
    }

    public var rows: [Row]

    /// Pairs the variants of the reports by name (policies missing from either are skipped).
    /// `atRunSpeed`: the simulation priced at each policy's `passSlowdown`, when run.
    public init(measured: BenchReport, simulated: BenchReport, atRunSpeed: BenchReport? = nil) {
        rows = measured.variants.compactMap { m in
            guard let s = simulated.variants.first(where: { $0.name == m.name }),
                  let mt = m.timeToFirstToken?.mean, let st = s.timeToFirstToken?.mean,
                  let mp = m.timePerOutputToken?.mean, let sp = s.timePerOutputToken?.mean, mt > 0, mp > 0
            else { return nil }
            var atRunSpeedErrors: (Double, Double)?
            if let r = atRunSpeed?.variants.first(where: { $0.name == m.name }),
               let rt = r.timeToFirstToken?.mean, let rp = r.timePerOutputToken?.mean {
                atRunSpeedErrors = ((rt - mt) / mt, (rp - mp) / mp)
            }
            return Row(policy: m.name, measuredTTFT: mt, simulatedTTFT: st, measuredTPOT: mp, simulatedTPOT: sp,
                       passSlowdown: m.passSlowdown, atRunSpeedErrors: atRunSpeedErrors)
        }
    }

    /// The largest |error| over every row, TTFT and TPOT, with the profile as is.
    public var worstError: Double { rows.flatMap { [abs($0.ttftError), abs($0.tpotError)] }.max() ?? 0 }

    /// The same for the simulation at the run's own pass speed, when it was run.
    public var worstAtRunSpeedError: Double? {
        let errors = rows.compactMap(\.atRunSpeedErrors).flatMap { [abs($0.ttft), abs($0.tpot)] }
        return errors.isEmpty ? nil : errors.max()
    }

    /// A Markdown table, times in ms.
    public func table() -> String {
        var lines = [
            "| policy | TTFT measured (ms) | TTFT simulated (ms) | error | TPOT measured (ms) | TPOT simulated (ms) | error | run's passes vs profile: with prefill / decode-only | errors at the run's pass speed: TTFT / TPOT |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        func percent(_ x: Double?) -> String { x.map { String(format: "%+.1f%%", 100 * $0) } ?? "–" }
        for r in rows {
            let drift = r.passSlowdown.map { "\(percent($0.prefill - 1)) / \(percent($0.decode - 1))" } ?? "–"
            let atRunSpeed = r.atRunSpeedErrors.map { "\(percent($0.ttft)) / \(percent($0.tpot))" } ?? "–"
            lines.append(String(format: "| %@ | %.1f | %.1f | %+.1f%% | %.2f | %.2f | %+.1f%% | %@ | %@ |", r.policy,
                                1000 * r.measuredTTFT, 1000 * r.simulatedTTFT, 100 * r.ttftError,
                                1000 * r.measuredTPOT, 1000 * r.simulatedTPOT, 100 * r.tpotError, drift, atRunSpeed))
        }
        return lines.joined(separator: "\n")
    }
}
