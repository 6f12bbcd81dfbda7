import AsymCore
import Foundation

/// Workload generators draw every length, time and token from one seeded SplitMix64 stream (Steele,
/// Lea, Flood 2014): the same seed gives the same workload on every run and machine.
public typealias WorkloadRandom = SplitMix64

extension SplitMix64 {
    /// Uniform in [0, 1), 53 bits.
    public mutating func unit() -> Double { nextUnit() }

    /// Exponential with the given mean (inter-arrival and think times).
    public mutating func exponential(mean: Double) -> Double {
        -mean * Foundation.log(1 - unit())
    }

    /// Standard normal (Box–Muller).
    public mutating func normal() -> Double {
        let u = max(unit(), 1e-300), v = unit()
        return (-2 * Foundation.log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// Log-normal with the given median and shape σ (heavy-tailed lengths and tool times).
    public mutating func logNormal(median: Double, sigma: Double) -> Double {
        median * Foundation.exp(sigma * normal())
    }

    /// `count` token ids drawn uniformly from `range`.
    public mutating func tokens(_ count: Int, in range: Range<TokenID>) -> [TokenID] {
        (0 ..< count).map { _ in TokenID.random(in: range, using: &self) }
    }
}

/// A length drawn from a log-normal of given mean and shape, rounded and clipped to `bounds`.
/// Mean rather than median is the parameter because published workload statistics report means.
public struct LengthDistribution: Sendable, Codable, Equatable, CustomStringConvertible {
    public var mean: Double
    public var sigma: Double
    public var bounds: ClosedRange<Int>

    public init(mean: Double, sigma: Double, bounds: ClosedRange<Int>) {
        self.mean = mean
        self.sigma = sigma
        self.bounds = bounds
    }

    /// A fixed length.
    public static func constant(_ n: Int) -> LengthDistribution { LengthDistribution(mean: Double(n), sigma: 0, bounds: n ... n) }

    public func sample(_ rng: inout WorkloadRandom) -> Int {
        let median = mean * Foundation.exp(-sigma * sigma / 2)
        let x = rng.logNormal(median: median, sigma: sigma)
        return min(bounds.upperBound, max(bounds.lowerBound, Int(x.rounded())))
    }

    /// This distribution with mean and bounds multiplied by `factor` (bounds at least 1).
    public func scaled(by factor: Double) -> LengthDistribution {
        let lo = max(1, Int((Double(bounds.lowerBound) * factor).rounded()))
        let hi = max(lo, Int((Double(bounds.upperBound) * factor).rounded()))
        return LengthDistribution(mean: mean * factor, sigma: sigma, bounds: lo ... hi)
    }

    public var description: String {
        sigma == 0 ? "\(bounds.lowerBound)" : String(format: "lognormal(mean %.0f, σ %.2f) in %d…%d", mean, sigma,
                                                     bounds.lowerBound, bounds.upperBound)
    }
}
