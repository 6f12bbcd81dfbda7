import AsymCore
import AsymCost
import AsymKV

/// The work chosen so far for one pass.
struct Selection {
    var entries: [(sequence: SequenceState, segments: [Range<Int>], isDecode: Bool)] = []
    var segments: [Range<Int>] = []       // every prefill segment, for the cost model
    var decodeContexts: [Int] = []
    /// Context tokens of the decodes that an earlier decode of the pass also reads (shared blocks).
    var sharedDecodeContext = 0
    var tokenCount = 0

    mutating func add(_ s: SequenceState, segments new: [Range<Int>], isDecode: Bool) {
        entries.append((s, new, isDecode))
        if isDecode { decodeContexts.append(new[0].lowerBound) } else { segments += new }
        tokenCount += new.reduce(0) { $0 + $1.count }
    }
}

extension Scheduler {
    /// Tokens the fixed budget still allows (the adaptive budget is checked in time, not tokens).
    func remainingTokens(_ selection: Selection) -> Int {
        switch config.budget {
        case .fixed(let n): return n - selection.tokenCount
        case .adaptive: return selection.tokenCount == 0 || predictedMs(selection, adding: []) < target(selection) ? Int.max : 0
        }
    }

    /// The adaptive pass-time target for a pass with this selection's decodes.
    func target(_ selection: Selection) -> Double {
        selection.decodeContexts.isEmpty ? idleTargetMs : targetMs
    }

    func predictedMs(_ selection: Selection, adding extra: [Range<Int>]) -> Double {
        costModel.passTime(segments: selection.segments + extra, decodeContexts: selection.decodeContexts,
                           sharedDecodeContext: selection.sharedDecodeContext)
    }

    /// Adds the sequence's pending positions in ascending order while the budget lasts. Returns
    /// false once the budget is spent (the caller stops adding work).
    func takePrefill(_ s: SequenceState, into selection: inout Selection) -> Bool {
        var taken: [Range<Int>] = []
        var exhausted = false
        for r in s.pending {
            let n = affordableLength(of: r, selection: selection, alreadyTaken: taken)
            if n > 0 { taken.append(r.lowerBound ..< r.lowerBound + n) }
            if n < r.count { exhausted = true; break }
        }
        if !taken.isEmpty { selection.add(s, segments: taken, isDecode: false) }
        return !exhausted
    }

    /// How many leading positions of `range` fit in the budget.
    private func affordableLength(of range: Range<Int>, selection: Selection, alreadyTaken: [Range<Int>]) -> Int {
        switch config.budget {
        case .fixed(let n):
            let used = selection.tokenCount + alreadyTaken.reduce(0) { $0 + $1.count }
            return max(0, min(range.count, n - used))
        case .adaptive:
            let target = target(selection)
            let fits = { (c: Int) in
                self.predictedMs(selection, adding: alreadyTaken + [range.lowerBound ..< range.lowerBound + c]) <= target
            }
            if fits(range.count) { return range.count }
            // Largest c with a predicted pass time within the target (monotone in c).
            var (lo, hi) = (0, range.count)
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if fits(mid) { lo = mid } else { hi = mid - 1 }
            }
            // Progress: a pass with no prefill yet takes at least one block's worth, so prefill is
            // never starved by decodes that alone exceed the target.
            if lo == 0 && selection.segments.isEmpty && alreadyTaken.isEmpty { return min(range.count, kv.blockSize) }
            return lo
        }
    }

    /// The batch plan for the chosen work, or nil if empty.
    func build(_ selection: Selection) -> ScheduledBatch? {
        guard !selection.entries.isEmpty else { return nil }
        var sequences: [SequencePass] = []
        var entries: [ScheduledBatch.Entry] = []
        var prefill = 0, decode = 0
        for (s, ranges, isDecode) in selection.entries {
            let samples = ranges.last!.upperBound == s.tokens.count
            let segments = ranges.map { QuerySegment(startPosition: $0.lowerBound, tokens: Array(s.tokens[$0])) }
            sequences.append(SequencePass(blockTable: kv.blockTable(of: s.id) ?? [], segments: segments,
                                          logitPositions: samples ? [s.tokens.count - 1] : []))
            entries.append(.init(sequence: s, segments: ranges, samples: samples, isDecode: isDecode))
            let n = ranges.reduce(0) { $0 + $1.count }
            if isDecode { decode += n } else { prefill += n }
        }
        return ScheduledBatch(plan: BatchPlan(sequences: sequences), entries: entries, prefillTokenCount: prefill,
                              decodeTokenCount: decode, predictedMs: predictedMs(selection, adding: []))
    }
}
