import AsymBench
import AsymCost
import Foundation

/// Measured against simulated: for each policy of a `bench` run, the simulator's mean TTFT and TPOT
/// on the same workload, KV memory and cost model (the mean over replicas, with their range), and
/// the relative error of each, next to how much slower than the cost model the measured run's own
/// passes were (the host's drift since the profile).
public struct SimulationValidation: Sendable {
    public struct Row: Sendable {
        public var policy: String
        /// Simulated values: mean, lowest and highest over the replicas.
        public var measuredTTFT: Double, simulatedTTFT: Spread
        public var measuredTPOT: Double, simulatedTPOT: Spread
        /// Measured over predicted time of the run's passes with prefill tokens and of its
        /// decode-only passes (`VariantResult.passSlowdown`).
        public var passSlowdown: HostSlowdown?
        /// TTFT and TPOT errors of replicas priced at `passSlowdown` (the host's speed during the
        /// run, which the simulator cannot know beforehand), when run.
        public var atRunSpeedErrors: (ttft: Double, tpot: Double)?
        /// (simulated mean − measured) / measured.
        public var ttftError: Double { (simulatedTTFT.mean - measuredTTFT) / measuredTTFT }
        public var tpotError: Double { (simulatedTPOT.mean - measuredTPOT) / measuredTPOT }
    }

    public var rows: [Row]

    /// Pairs the variants of the reports by name (policies missing from the measurement or from the
    /// replicas are skipped). `replicas`: simulations of the same run (`Simulation.replicas`), summed
    /// up by `ReplicaSummary`; `atRunSpeed`: the same priced at each policy's measured `passSlowdown`.
    public init(measured: BenchReport, replicas: [BenchReport], atRunSpeed: [BenchReport] = []) {
        let simulated = ReplicaSummary(replicas).rows, atSpeed = ReplicaSummary(atRunSpeed).rows
        rows = measured.variants.compactMap { m in
            guard let s = simulated.first(where: { $0.variant == m.name }), let st = s.ttft, let sp = s.tpot,
                  let mt = m.timeToFirstToken?.mean, let mp = m.timePerOutputToken?.mean, mt > 0, mp > 0
            else { return nil }
            var atRunSpeedErrors: (Double, Double)?
            if let r = atSpeed.first(where: { $0.variant == m.name }), let rt = r.ttft, let rp = r.tpot {
                atRunSpeedErrors = ((rt.mean - mt) / mt, (rp.mean - mp) / mp)
            }
            return Row(policy: m.name, measuredTTFT: mt, simulatedTTFT: st, measuredTPOT: mp, simulatedTPOT: sp,
                       passSlowdown: m.passSlowdown, atRunSpeedErrors: atRunSpeedErrors)
        }
    }

    /// The largest |error| over every row, TTFT and TPOT.
    public var worstError: Double { rows.flatMap { [abs($0.ttftError), abs($0.tpotError)] }.max() ?? 0 }

    /// The same for the replicas priced at the run's speed, when they were run.
    public var worstAtRunSpeedError: Double? { rows.compactMap(\.atRunSpeedErrors).flatMap { [abs($0.ttft), abs($0.tpot)] }.max() }

    /// A Markdown table, times in ms.
    public func table() -> String {
        var lines = [
            "| policy | TTFT measured (ms) | TTFT simulated (ms): mean (range) | error | TPOT measured (ms) | TPOT simulated (ms): mean (range) | error | host slower than the profile: passes with prefill / decode-only | errors at that speed: TTFT / TPOT |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        func percent(_ x: Double?) -> String { x.map { String(format: "%+.1f%%", 100 * $0) } ?? "–" }
        for r in rows {
            let drift = r.passSlowdown.map { "\(percent($0.prefill - 1)) / \(percent($0.decode - 1))" } ?? "–"
            let atSpeed = r.atRunSpeedErrors.map { "\(percent($0.ttft)) / \(percent($0.tpot))" } ?? "–"
            lines.append(String(format: "| %@ | %.1f | %@ | %+.1f%% | %.2f | %@ | %+.1f%% | %@ | %@ |", r.policy,
                                1000 * r.measuredTTFT, r.simulatedTTFT.formatted("%.1f", scale: 1000), 100 * r.ttftError,
                                1000 * r.measuredTPOT, r.simulatedTPOT.formatted("%.2f", scale: 1000), 100 * r.tpotError, drift,
                                atSpeed))
        }
        return lines.joined(separator: "\n")
    }
}
