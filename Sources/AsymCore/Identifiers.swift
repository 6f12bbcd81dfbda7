/// A token id in a model's vocabulary.
public typealias TokenID = Int32

/// The index of a physical KV block in the pool. A block holds `blockSize` consecutive token
/// positions of one sequence; slot `blockID * blockSize + offset` addresses one position.
public struct BlockID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    @inlinable public init(_ rawValue: Int32) { self.rawValue = rawValue }
    @inlinable public init(_ rawValue: Int) { self.rawValue = Int32(rawValue) }
    @inlinable public var index: Int { Int(rawValue) }
    @inlinable public static func < (a: BlockID, b: BlockID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "b\(rawValue)" }
}

/// Identifies one request (one sequence) for the lifetime of the engine.
public struct RequestID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    @inlinable public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    @inlinable public static func < (a: RequestID, b: RequestID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "r\(rawValue)" }
}
