/// Why a batch plan cannot run. The plan is rejected before any KV is written.
public enum ModelRunError: Error, Equatable, CustomStringConvertible {
    case contextTooLong(position: Int, limit: Int)
    case tokenOutOfVocabulary(token: Int32, vocabularySize: Int)
    case blockTableTooShort(position: Int, blockCount: Int, blockSize: Int)
    case blockOutOfRange(block: Int32, arenaBlocks: Int)
    case segmentsOutOfOrder(sequence: Int)
    case logitPositionNotComputed(sequence: Int, position: Int)
    case emptyPlan

    public var description: String {
        switch self {
        case .contextTooLong(let p, let limit): "position \(p) exceeds the model's context limit of \(limit) tokens"
        case .tokenOutOfVocabulary(let t, let v): "token id \(t) is outside the vocabulary of \(v)"
        case .blockTableTooShort(let p, let n, let bs): "block table of \(n) blocks of \(bs) cannot hold position \(p)"
        case .blockOutOfRange(let b, let n): "block \(b) is outside the KV arena of \(n) blocks"
        case .segmentsOutOfOrder(let s): "sequence \(s): segments must be sorted, disjoint and non-empty"
        case .logitPositionNotComputed(let s, let p): "sequence \(s): logits requested at position \(p), which the pass does not compute"
        case .emptyPlan: "the plan has no query tokens"
        }
    }
}

