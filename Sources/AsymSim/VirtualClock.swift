import AsymBench

/// Simulated time in seconds from the start of a run. It moves only when told: by the simulated
/// executor after each pass (its predicted time), and by the driver across idle gaps.
public final class VirtualClock: BenchClock {
    public private(set) var time = 0.0
    public private(set) var skippedSeconds = 0.0

    public init() {}

    public func now() -> Double { time }

    /// Moves forward by `seconds` (≥ 0) of simulated work.
    public func advance(by seconds: Double) {
        precondition(seconds >= 0, "time never goes backwards")
        time += seconds
    }

    public func idle(until target: Double) {
        guard target > time else { return }
        skippedSeconds += target - time
        time = target
    }
}
