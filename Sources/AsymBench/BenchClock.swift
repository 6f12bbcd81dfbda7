import AsymEngine

/// The time a benchmark runs on, in seconds from the start of the run. The driver and the engine
/// read the same clock (`makeEngine(clock: clock.now)`), so latencies are measured on it.
public protocol BenchClock: AnyObject {
    func now() -> Double
    /// Called when nothing can happen before `time` (the engine is idle and the next arrival is
    /// later): the clock advances to `time`, by waiting or by jumping.
    func idle(until time: Double)
    /// Clock seconds that passed while idle (skipped, or waited).
    var skippedSeconds: Double { get }
    /// Makes now() read 0: called right before the first arrival, so that building the engine
    /// (allocating and zeroing its KV arena) is not charged to the first requests.
    func start()
}

extension BenchClock {
    public func start() {}
}

/// Wall time plus a warp offset. When the engine is idle it jumps forward instead of sleeping:
/// nothing runs while idle, so every latency is what it would have been, and the run is shorter.
public final class WarpClock: BenchClock {
    private var origin: Double
    private var warp = 0.0
    private let wall: () -> Double

    public init(wall: @escaping () -> Double = EngineClock.monotonicSeconds) {
        self.wall = wall
        origin = wall()
    }

    public func now() -> Double { wall() - origin + warp }

    public func start() {
        origin = wall()
        warp = 0
    }

    public func idle(until time: Double) {
        let gap = time - now()
        if gap > 0 { warp += gap }
    }

    /// Seconds skipped so far.
    public var skippedSeconds: Double { warp }
}
