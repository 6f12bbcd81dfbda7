/// Intrusive doubly linked list of block indices `0 ..< capacity` over two arrays: O(1) append,
/// remove-any, pop-front and membership. The order is insertion order (front = oldest).
public struct BlockList: Sendable {
    /// Links use -1 for "none" (private encoding).
    private var next: [Int32]
    private var prev: [Int32]
    private var member: [Bool]
    private var head: Int32 = -1
    private var tail: Int32 = -1
    public private(set) var count = 0

    public init(capacity: Int) {
        next = [Int32](repeating: -1, count: capacity)
        prev = [Int32](repeating: -1, count: capacity)
        member = [Bool](repeating: false, count: capacity)
    }

    public var isEmpty: Bool { count == 0 }
    public func contains(_ item: Int) -> Bool { member[item] }
    public var first: Int? { head >= 0 ? Int(head) : nil }

    public mutating func append(_ item: Int) {
        precondition(!member[item], "block \(item) already listed")
        member[item] = true
        prev[item] = tail
        next[item] = -1
        if tail >= 0 { next[Int(tail)] = Int32(item) } else { head = Int32(item) }
        tail = Int32(item)
        count += 1
    }

    public mutating func remove(_ item: Int) {
        guard member[item] else { return }
        member[item] = false
        let (p, n) = (prev[item], next[item])
        if p >= 0 { next[Int(p)] = n } else { head = n }
        if n >= 0 { prev[Int(n)] = p } else { tail = p }
        count -= 1
    }

    public mutating func popFirst() -> Int? {
        guard let f = first else { return nil }
        remove(f)
        return f
    }

    /// Items front to back (for tests and invariant checks; O(n)).
    public var elements: [Int] {
        var out: [Int] = []
        var i = head
        while i >= 0 {
            out.append(Int(i))
            i = next[Int(i)]
        }
        return out
    }
}
