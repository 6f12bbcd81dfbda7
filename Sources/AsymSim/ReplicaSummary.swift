import AsymBench
import Foundation

/// The spread of a metric over simulated replicas: a near-saturated closed loop is chaotic, so
/// one run is one sample and a claim should hold over the range.
public struct Spread: Sendable, Equatable {
    public var mean: Double
    public var min: Double
    public var max: Double

    /// Nil for no values.
    public init?(_ values: [Double]) {
        guard let lo = values.min(), let hi = values.max() else { return nil }
        mean = values.reduce(0, +) / Double(values.count)
        min = lo
        max = hi
    }

    /// "mean (min–max)" with `format` for each number, after multiplying by `scale`.
    public func formatted(_ format: String, scale: Double = 1) -> String {
        String(format: "\(format) (\(format)–\(format))", mean * scale, min * scale, max * scale)
    }
}

/// Mean TTFT, TPOT and job latency of each variant over replicas (`Simulation.replicas`), and the
/// baseline-to-asym ratios of means, each with its spread. Ratios are taken within a replica,
/// where every variant drew the same pass-time jitter.
public struct ReplicaSummary: Sendable {
    public struct Row: Sendable {
        public var variant: String
        public var ttft: Spread?, tpot: Spread?, job: Spread?
    }

    public struct RatioRow: Sendable {
        public var label: String
        public var ttft: Spread?, tpot: Spread?, job: Spread?
    }

    public var rows: [Row]
    public var ratios: [RatioRow]

    /// Variants and ratios in the first replica's order; a variant missing from a replica counts
    /// over the replicas that have it.
    public init(_ replicas: [BenchReport]) {
        let names = replicas.first?.variants.map(\.name) ?? []
        rows = names.map { name in
            let runs = replicas.compactMap { $0.variants.first { $0.name == name } }
            return Row(variant: name, ttft: Spread(runs.compactMap { $0.timeToFirstToken?.mean }),
                       tpot: Spread(runs.compactMap { $0.timePerOutputToken?.mean }), job: Spread(runs.compactMap { $0.jobLatency?.mean }))
        }
        let labels = replicas.first?.ratios.map { "\($0.variant) / \($0.reference)" } ?? []
        ratios = labels.map { label in
            let runs = replicas.compactMap { $0.ratios.first { "\($0.variant) / \($0.reference)" == label } }
            return RatioRow(label: label, ttft: Spread(runs.compactMap(\.timeToFirstToken)),
                            tpot: Spread(runs.compactMap(\.timePerOutputToken)), job: Spread(runs.compactMap(\.jobLatency)))
        }
    }

    /// Two Markdown tables: means in ms (job latency in s), then ratios of means.
    public func tables() -> String {
        func cell(_ s: Spread?, _ format: String, _ scale: Double) -> String { s?.formatted(format, scale: scale) ?? "–" }
        var lines = ["| policy | TTFT mean (ms) | TPOT mean (ms) | job mean (s) |", "| --- | ---: | ---: | ---: |"]
        for r in rows {
            lines.append("| \(r.variant) | \(cell(r.ttft, "%.1f", 1000)) | \(cell(r.tpot, "%.2f", 1000)) | \(cell(r.job, "%.2f", 1)) |")
        }
        guard !ratios.isEmpty else { return lines.joined(separator: "\n") }
        lines += ["", "| baseline / asym (means) | TTFT | TPOT | job |", "| --- | ---: | ---: | ---: |"]
        for r in ratios {
            lines.append("| \(r.label) | \(cell(r.ttft, "%.2f×", 1)) | \(cell(r.tpot, "%.2f×", 1)) | \(cell(r.job, "%.2f×", 1)) |")
        }
        return lines.joined(separator: "\n")
    }
}
