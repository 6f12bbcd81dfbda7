/// A growable Float buffer reused across passes, so a pass allocates nothing in steady state.
final class ScratchBuffer {
    private(set) var pointer: UnsafeMutablePointer<Float>
    private(set) var capacity: Int

    init() {
        capacity = 0
        pointer = .allocate(capacity: 1)
    }

    deinit { pointer.deallocate() }

    /// A buffer of at least `count` floats. Contents are unspecified.
    func reserve(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > capacity {
            pointer.deallocate()
            capacity = max(count, capacity * 3 / 2)
            pointer = .allocate(capacity: capacity)
        }
        return pointer
    }
}

/// The activation buffers of one forward pass, reused across passes by one caller at a time.
public final class ForwardScratch: @unchecked Sendable {
    let buffers = (0 ..< 8).map { _ in ScratchBuffer() }
    public init() {}
}
