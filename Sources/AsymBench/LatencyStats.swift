import Foundation

/// Mean and percentiles of a sample, in the sample's unit. Percentiles use linear interpolation
/// between closest ranks (numpy's default): p-th value = x[(n-1)·p/100], interpolated.
public struct LatencyStats: Sendable, Codable, Equatable {
    public var count: Int
    public var mean: Double
    public var p50: Double
    public var p90: Double
    public var p99: Double

    /// nil for an empty sample.
    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        count = sorted.count
        mean = sorted.reduce(0, +) / Double(sorted.count)
        p50 = Self.percentile(sorted, 50)
        p90 = Self.percentile(sorted, 90)
        p99 = Self.percentile(sorted, 99)
    }

    /// The p-th percentile (0…100) of an ascending, non-empty array.
    public static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        precondition(!sorted.isEmpty && (0 ... 100).contains(p))
        let rank = Double(sorted.count - 1) * p / 100
        let lo = Int(rank.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - Double(lo))
    }
}
