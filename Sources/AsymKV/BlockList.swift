/// Intrusive doubly linked list of block indices `0 ..< capacity`: O(1) append, remove-any,
/// pop-front and membership. The order is insertion order (front = oldest).
/// An item's links and membership share one 12-byte record, so moving it touches one line;
/// the batch methods pay the array's uniqueness check once per batch, not once per link.
public struct BlockList: Sendable {
    struct Link {
        /// -1 for "none" (private encoding).
        var prev: Int32 = -1
        var next: Int32 = -1
        var member = false
    }
    private var links: [Link]
    private var head: Int32 = -1
    private var tail: Int32 = -1
    public private(set) var count = 0

    public init(capacity: Int) { links = [Link](repeating: Link(), count: capacity) }

    public var isEmpty: Bool { count == 0 }
    public func contains(_ item: Int) -> Bool { links[item].member }
    public var first: Int? { head >= 0 ? Int(head) : nil }

    public mutating func append(_ item: Int) { append(contentsOf: CollectionOfOne(item)) }
    public mutating func remove(_ item: Int) { remove(contentsOf: CollectionOfOne(item)) }

    /// Appends each item in order; none may be listed already.
    public mutating func append<S: Sequence<Int>>(contentsOf items: S) {
        var (head, tail, count) = (self.head, self.tail, self.count)
        links.withUnsafeMutableBufferPointer { l in
            for item in items {
                precondition(!l[item].member, "block \(item) already listed")
                l[item] = Link(prev: tail, next: -1, member: true)
                if tail >= 0 { l[Int(tail)].next = Int32(item) } else { head = Int32(item) }
                tail = Int32(item)
                count += 1
            }
        }
        (self.head, self.tail, self.count) = (head, tail, count)
    }

    /// Removes each listed item (items not listed are ignored).
    public mutating func remove<S: Sequence<Int>>(contentsOf items: S) {
        var (head, tail, count) = (self.head, self.tail, self.count)
        links.withUnsafeMutableBufferPointer { l in
            for item in items where l[item].member {
                let (p, n) = (l[item].prev, l[item].next)
                l[item].member = false
                if p >= 0 { l[Int(p)].next = n } else { head = n }
                if n >= 0 { l[Int(n)].prev = p } else { tail = p }
                count -= 1
            }
        }
        (self.head, self.tail, self.count) = (head, tail, count)
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
            i = links[Int(i)].next
        }
        return out
    }
}
