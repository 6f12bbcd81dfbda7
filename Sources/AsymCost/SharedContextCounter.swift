import AsymCore

/// Counts, within one pass, the context tokens that a decode reads from blocks an earlier decode of
/// the same pass already read (a shared system prompt, a shared document): the cost model prices
/// such tokens without the memory traffic of a first read. O(blocks read) per pass, no allocation.
public struct SharedContextCounter: Sendable {
    /// Per block: the pass that last read it.
    private var stamp: [UInt32]
    private var pass: UInt32 = 0

    public init(blockCount: Int) { stamp = [UInt32](repeating: 0, count: blockCount) }

    /// Begins a new pass: no block has been read yet.
    public mutating func startPass() {
        pass &+= 1
        if pass == 0 {  // wrapped: clear the stamps once every 2³² passes
            for i in stamp.indices { stamp[i] = 0 }
            pass = 1
        }
    }

    /// Marks the full context blocks of a decode at position `contextLength` (its blocks
    /// `0 ..< contextLength / blockSize`) as read, and returns the tokens of those already read
    /// earlier in this pass.
    public mutating func count(_ table: [BlockID], contextLength: Int, blockSize: Int) -> Int {
        let full = min(contextLength / blockSize, table.count)
        var shared = 0
        stamp.withUnsafeMutableBufferPointer { s in
            for b in table[..<full] {
                if s[b.index] == pass { shared += blockSize } else { s[b.index] = pass }
            }
        }
        return shared
    }
}
