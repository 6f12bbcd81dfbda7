import Foundation

extension BenchReport {
    /// The whole report: header, comparison table, ratios, losslessness.
    public func markdown() -> String {
        var out = "# asymcache bench: \(workload)\n\n"
        out += "- model: \(model); machine: \(machine)\n"
        for p in workloadParameters { out += "- \(p)\n" }
        out += "- KV memory: \(kvCacheTokens) tokens = \(percent(Double(kvCacheTokens) / Double(max(1, workingSetTokens)))) of the working set (\(workingSetTokens) tokens)\n"
        out += String(format: "- wall time: %.0f s for %d policies\n\n", wallSeconds, variants.count)
        out += comparisonTable() + "\n" + ratioTable() + "\n"
        out += "**\(lossless.summary)**\n"
        for d in lossless.differences { out += "- \(d)\n" }
        let failed = variants.filter { !$0.failures.isEmpty }
        for v in failed { out += "\n\(v.name) failures: \(v.failures.prefix(5).joined(separator: "; "))\n" }
        return out
    }

    /// One row per policy: latencies in ms (TTFT, TPOT) or s (end-to-end, job), counts in tokens.
    public func comparisonTable() -> String {
        let hasJobs = workload == "agent"
        var header = ["policy", "budget", "TTFT mean / p50 / p90 / p99 (ms)", "TPOT mean / p50 / p90 / p99 (ms)",
                      "E2E mean / p99 (s)"]
        if hasJobs { header.append("job mean / p50 / p90 / p99 (s)") }
        header += ["out tok/s", "prefix hit", "holes", "suffix", "evictions", "preempt"]
        var rows = [header]
        for v in variants {
            var row = [v.name, v.budget, stats(v.timeToFirstToken, scale: 1000), stats(v.timePerOutputToken, scale: 1000),
                       v.endToEndLatency.map { String(format: "%.2f / %.2f", $0.mean, $0.p99) } ?? "–"]
            if hasJobs { row.append(stats(v.jobLatency, scale: 1, format: "%.2f")) }
            row += [String(format: "%.0f", v.outputTokensPerSecond), "\(v.prefixHitTokens)", "\(v.holeTokens)",
                    "\(v.suffixTokens)", "\(v.evictions)", "\(v.preemptions)"]
            rows.append(row)
        }
        return table(rows)
    }

    /// Baseline mean / asym mean for each latency (above 1: asym is faster).
    public func ratioTable() -> String {
        guard !ratios.isEmpty else { return "" }
        var rows = [["baseline / asym (means)", "TTFT", "TPOT", "E2E", "job"]]
        for r in ratios {
            rows.append(["\(r.variant) / \(r.reference)", times(r.timeToFirstToken), times(r.timePerOutputToken),
                         times(r.endToEndLatency), times(r.jobLatency)])
        }
        return table(rows)
    }

    private func stats(_ s: LatencyStats?, scale: Double, format: String = "%.1f") -> String {
        guard let s else { return "–" }
        return [s.mean, s.p50, s.p90, s.p99].map { String(format: format, $0 * scale) }.joined(separator: " / ")
    }

    private func times(_ x: Double?) -> String { x.map { String(format: "%.2f×", $0) } ?? "–" }
    private func percent(_ x: Double) -> String { String(format: "%.0f%%", x * 100) }

    private func table(_ rows: [[String]]) -> String {
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        func line(_ r: [String]) -> String {
            "| " + r.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: " | ") + " |\n"
        }
        return line(rows[0]) + line(widths.map { String(repeating: "-", count: $0) }) + rows.dropFirst().map(line).joined()
    }
}
