import AsymCore
import AsymScheduler
import AsymTokenizer
import Foundation

/// Per-request output state: the sampler's random stream, incremental text, stop conditions,
/// timings and the sink that receives events. Owned by the engine core.
final class OutputTracker {
    let sequence: SequenceState
    let request: GenerationRequest
    var random: SplitMix64
    private var detokenizer: StreamingDetokenizer?
    /// Text decoded but not yet emitted: it may be the start of a stop string.
    private var heldText = ""
    private(set) var text = ""
    var firstTokenTime: Double?
    var tokenTimes: [Double] = []
    var logits: [[Float]] = []
    let sink: (GenerationEvent) -> Void
    let eosTokenIDs: Set<TokenID>

    init(sequence: SequenceState, request: GenerationRequest, tokenizer: Tokenizer?, eosTokenIDs: Set<TokenID>,
         sink: @escaping (GenerationEvent) -> Void) {
        self.sequence = sequence
        self.request = request
        // Without a seed, the request id seeds the stream: still independent of the batch.
        random = SplitMix64(seed: request.sampling.seed ?? (0xA5A5_5A5A_0000_0000 ^ sequence.id.rawValue))
        detokenizer = tokenizer.map { StreamingDetokenizer(tokenizer: $0, skipSpecialTokens: true) }
        self.eosTokenIDs = eosTokenIDs
        self.sink = sink
    }

    /// Records a sampled token (already appended to the sequence); returns the finish reason if
    /// the request is done.
    func accept(_ token: TokenID, now: Double, contextLimit: Int) -> FinishReason? {
        if firstTokenTime == nil { firstTokenTime = now }
        tokenTimes.append(now)
        let p = request.sampling
        let isEOS = !p.ignoreEOS && eosTokenIDs.contains(token)
        let isStopID = p.stopTokenIDs.contains(token)
        var delta = (isEOS || isStopID) ? "" : (detokenizer?.append(token) ?? "")
        var reason: FinishReason? = (isEOS || isStopID) ? .stop : nil
        if reason == nil, !p.stopStrings.isEmpty {
            heldText += delta
            if let cut = firstStop(in: heldText) {
                delta = String(heldText[..<cut])
                heldText = ""
                reason = .stop
            } else {
                let keep = longestStopPrefixSuffix(heldText)
                delta = String(heldText.dropLast(keep))
                heldText = String(heldText.suffix(keep))
            }
        }
        if reason == nil && (sequence.generatedTokenCount >= p.maxTokens || sequence.tokens.count >= contextLimit) {
            reason = .length
        }
        if reason == .length {  // flush what was held back
            delta += heldText + (detokenizer?.finish() ?? "")
            heldText = ""
        }
        text += delta
        sink(.token(token, text: delta))
        return reason
    }

    private func firstStop(in s: String) -> String.Index? {
        request.sampling.stopStrings.compactMap { s.range(of: $0)?.lowerBound }.min()
    }

    /// Length of the longest suffix of `s` that starts some stop string.
    private func longestStopPrefixSuffix(_ s: String) -> Int {
        var best = 0
        for stop in request.sampling.stopStrings {
            for n in stride(from: min(stop.count - 1, s.count), to: best, by: -1) where s.hasSuffix(stop.prefix(n)) {
                best = n
                break
            }
        }
        return best
    }

    func summary(reason: FinishReason, error: String? = nil, now: Double) -> GenerationSummary {
        GenerationSummary(
            requestID: sequence.id, finishReason: reason, error: error, promptTokenCount: sequence.promptTokenCount,
            outputTokens: Array(sequence.generatedTokens), text: text, cachedTokenCount: sequence.hitTokenCount,
            holeTokenCount: sequence.holeTokenCount, suffixTokenCount: sequence.suffixTokenCount,
            preemptionCount: sequence.preemptionCount, arrivalTime: sequence.arrivalTime, firstTokenTime: firstTokenTime,
            finishTime: now, tokenTimes: tokenTimes, logits: logits)
    }
}
