import AsymCore
import Foundation

/// Picks the next token from one row of logits: greedy at temperature 0, else temperature, top-k and
/// top-p (nucleus) sampling, in that order, as vLLM and Hugging Face apply them.
public enum Sampler {
    public static func sample<C: Collection<Float>>(
        _ logits: C, params: SamplingParams, random: inout SplitMix64
    ) -> TokenID where C.Index == Int {
        let base = logits.startIndex
        if params.temperature <= 0 {
            var best = base
            for i in logits.indices where logits[i] > logits[best] { best = i }
            return TokenID(best - base)
        }
        // Candidates sorted by logit (ties by id, so the order is total and stable).
        var candidates = logits.indices.map { (id: $0 - base, logit: Double(logits[$0]) / Double(params.temperature)) }
        candidates.sort { $0.logit != $1.logit ? $0.logit > $1.logit : $0.id < $1.id }
        if params.topK > 0 && params.topK < candidates.count { candidates.removeLast(candidates.count - params.topK) }
        let maxLogit = candidates[0].logit
        var weights = candidates.map { exp($0.logit - maxLogit) }
        let total = weights.reduce(0, +)
        if params.topP < 1 {
            var cumulative = 0.0
            var keep = 0
            for w in weights {
                cumulative += w / total
                keep += 1
                if cumulative >= Double(params.topP) { break }
            }
            weights.removeLast(weights.count - keep)
        }
        let kept = weights.reduce(0, +)
        var target = random.nextUnit() * kept
        for (i, w) in weights.enumerated() {
            target -= w
            if target < 0 { return TokenID(candidates[i].id) }
        }
        return TokenID(candidates[weights.count - 1].id)
    }
}
