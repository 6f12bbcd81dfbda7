/// A run of query tokens at consecutive absolute positions `startPosition ..< startPosition + tokens.count`.
public struct QuerySegment: Equatable, Sendable {
    public var startPosition: Int
    public var tokens: [TokenID]
    public init(startPosition: Int, tokens: [TokenID]) {
        self.startPosition = startPosition
        self.tokens = tokens
    }
    @inlinable public var endPosition: Int { startPosition + tokens.count }
    @inlinable public var positions: Range<Int> { startPosition ..< endPosition }
}

/// The work one sequence contributes to a forward pass.
///
/// Invariants (checked by the executor):
/// - segments are sorted by position and disjoint;
/// - every position below a segment's start is either resident in `blockTable` (computed in an
///   earlier pass) or inside an earlier segment of this pass (causality across passes);
/// - `blockTable` covers every position of every segment: `blockTable.count * blockSize >= lastEnd`;
/// - `logitPositions` is a subset of the segments' positions.
public struct SequencePass: Equatable, Sendable {
    public var blockTable: [BlockID]
    public var segments: [QuerySegment]
    /// Absolute positions whose next-token logits the pass must return, ascending.
    public var logitPositions: [Int]

    public init(blockTable: [BlockID], segments: [QuerySegment], logitPositions: [Int]) {
        self.blockTable = blockTable
        self.segments = segments
        self.logitPositions = logitPositions
    }

    @inlinable public var queryTokenCount: Int { segments.reduce(0) { $0 + $1.tokens.count } }
}

/// One forward pass over several sequences: the multi-segment batch the scheduler builds.
public struct BatchPlan: Equatable, Sendable {
    public var sequences: [SequencePass]
    public init(sequences: [SequencePass]) { self.sequences = sequences }
    @inlinable public var queryTokenCount: Int { sequences.reduce(0) { $0 + $1.queryTokenCount } }
}

/// Logits the executor returns for one sequence of a plan: one row of `vocabularySize` floats
/// per requested position, in the order of `SequencePass.logitPositions`.
public struct SequenceLogits: Sendable {
    public var positions: [Int]
    /// Row-major (positions.count, vocabularySize).
    public var values: [Float]
    public var vocabularySize: Int
    public init(positions: [Int], values: [Float], vocabularySize: Int) {
        self.positions = positions
        self.values = values
        self.vocabularySize = vocabularySize
    }
    public func row(_ i: Int) -> ArraySlice<Float> { values[i * vocabularySize ..< (i + 1) * vocabularySize] }
}

/// Runs forward passes. The real one computes a transformer over a paged KV arena; fakes in
/// tests return deterministic logits and advance a virtual clock.
public protocol ModelExecutor: AnyObject {
    var vocabularySize: Int { get }
    var blockSize: Int { get }
    /// Number of physical KV blocks the executor's arena holds.
    var blockCount: Int { get }
    /// Runs one pass. Output `[i]` belongs to `plan.sequences[i]`.
    func execute(_ plan: BatchPlan) throws -> [SequenceLogits]
}
