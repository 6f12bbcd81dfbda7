/// How much slower than its cost profile a host ran, for each kind of pass: measured over predicted
/// time. Decode batches are bound by memory traffic and prefill chunks by arithmetic, so a busy
/// neighbour slows them by different amounts. 1 is the profile's speed; 1.05 is 5% slower. On a
/// shared machine decode speed drifted by up to 15% within minutes of profiling (measured), which a
/// closed loop near saturation turns into tens of percent of latency.
public struct HostSlowdown: Equatable, Sendable {
    public var prefill: Double
    public var decode: Double

    public init(prefill: Double, decode: Double) {
        precondition(prefill > 0 && decode > 0 && prefill.isFinite && decode.isFinite)
        self.prefill = prefill
        self.decode = decode
    }
}
