import AsymCore

/// A batch plan flattened into rows: one row per query token, sequences one after another, and
/// checked against the model and the arena before anything is written.
struct PassRows {
    /// (T) token ids.
    var tokens: [Int32] = []
    /// (T) absolute positions, kept in owned memory for the kernels.
    let positions: UnsafeMutableBufferPointer<Int32>
    /// (T) arena slot of each row's position.
    var slots: [Int] = []
    /// Rows of each sequence.
    var sequenceRows: [Range<Int>] = []
    /// Every sequence's block table, concatenated, kernel-ready; sequence s starts at `tableOffsets[s]`.
    let tableStorage: UnsafeMutableBufferPointer<Int32>
    var tableOffsets: [Int] = []
    /// Rows whose logits are returned, in plan order, and their positions per sequence.
    var logitRows: [Int] = []
    var logitPositions: [[Int]] = []

    var count: Int { tokens.count }

    init(plan: BatchPlan, config: ModelConfig, arena: KVArena) throws {
        let total = plan.queryTokenCount
        guard total > 0 else { throw ModelRunError.emptyPlan }
        let bs = arena.blockSize
        var flatPositions: [Int32] = []
        flatPositions.reserveCapacity(total)
        var flatTables: [Int32] = []
        for (s, sequence) in plan.sequences.enumerated() {
            let table = sequence.blockTable.map(\.rawValue)
            for block in table where block < 0 || Int(block) >= arena.blockCount {
                throw ModelRunError.blockOutOfRange(block: block, arenaBlocks: arena.blockCount)
            }
            let first = tokens.count
            var previousEnd = -1
            var rowOfPosition: [Int: Int] = [:]
            for segment in sequence.segments {
                guard !segment.tokens.isEmpty, segment.startPosition >= max(previousEnd, 0)
                else { throw ModelRunError.segmentsOutOfOrder(sequence: s) }
                previousEnd = segment.endPosition
                guard segment.endPosition <= config.maxPositionEmbeddings else {
                    throw ModelRunError.contextTooLong(position: segment.endPosition - 1, limit: config.maxPositionEmbeddings)
                }
                guard segment.endPosition <= table.count * bs else {
                    throw ModelRunError.blockTableTooShort(position: segment.endPosition - 1, blockCount: table.count, blockSize: bs)
                }
                for (i, token) in segment.tokens.enumerated() {
                    guard token >= 0, Int(token) < config.vocabularySize else {
                        throw ModelRunError.tokenOutOfVocabulary(token: token, vocabularySize: config.vocabularySize)
                    }
                    let position = segment.startPosition + i
                    rowOfPosition[position] = tokens.count
                    tokens.append(token)
                    flatPositions.append(Int32(position))
                    slots.append(Int(table[position / bs]) * bs + position % bs)
                }
            }
            for position in sequence.logitPositions {
                guard let row = rowOfPosition[position] else {
                    throw ModelRunError.logitPositionNotComputed(sequence: s, position: position)
                }
                logitRows.append(row)
            }
            logitPositions.append(sequence.logitPositions)
            sequenceRows.append(first ..< tokens.count)
            tableOffsets.append(flatTables.count)
            flatTables += table
        }
        positions = .allocate(capacity: total)
        _ = positions.initialize(from: flatPositions)
        tableStorage = .allocate(capacity: max(flatTables.count, 1))
        _ = tableStorage.initialize(from: flatTables)
    }

    func deallocate() {
        positions.deallocate()
        tableStorage.deallocate()
    }
}
