import AsymCore
import AsymTraces
import Foundation

/// Replay of a Mooncake trace: one single-call job per line at its timestamp. Tokens come from
/// `TraceTokenSynthesizer` per hash id, so equal ids give equal tokens and chained ids give shared
/// prefixes. Lengths are scaled (a 512-token hash block becomes `512 × lengthScale` tokens) and
/// clipped to the model's context; times are multiplied by `timeScale`.
public struct TraceWorkload: Sendable {
    public var trace: MooncakeTrace
    public var source: String
    public var lengthScale = 1.0 / 16
    public var timeScale = 1.0
    public var maxRequests = 200

    public init(trace: MooncakeTrace, source: String) {
        self.trace = trace
        self.source = source
    }

    public func make(contextLimit: Int, vocabulary: Range<TokenID>) -> Workload {
        let blockTokens = max(1, Int((Double(MooncakeTrace.hashBlockTokens) * lengthScale).rounded()))
        let synthesizer = TraceTokenSynthesizer(vocabularySize: Int(vocabulary.count))
        let requests = trace.requests.prefix(maxRequests)
        let t0 = requests.first?.arrivalSeconds ?? 0
        var clipped = 0
        let jobs = requests.enumerated().map { i, r in
            let out = max(1, Int((Double(r.output_length) * lengthScale).rounded()))
            let wanted = max(1, Int((Double(r.input_length) * lengthScale).rounded()))
            let length = min(wanted, contextLimit - 1 - out)
            if length < wanted { clipped += 1 }
            var prompt: [TokenID] = []
            for id in r.hash_ids where prompt.count < length {
                prompt += synthesizer.tokens(hashID: id, count: min(blockTokens, length - prompt.count))
            }
            prompt = prompt.map { $0 + vocabulary.lowerBound }
            return BenchJob(id: i, startTime: (r.arrivalSeconds - t0) * timeScale,
                            calls: [BenchCall(newTokens: prompt, maxTokens: out, delay: 0)])
        }
        return Workload(
            name: "trace",
            parameters: [
                "Mooncake trace \(source): first \(jobs.count) of \(trace.requests.count) requests",
                "lengths ×\(lengthScale) (hash block = \(blockTokens) tokens), times ×\(timeScale); \(clipped) prompts clipped to the context",
            ],
            jobs: jobs, arrivals: .scheduled)
    }
}
