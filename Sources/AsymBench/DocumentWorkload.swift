import AsymCore
import Foundation

/// Shared documents: a few long documents, many questions about each. Every question is one call
/// whose prompt is its document followed by the question; questions arrive as a Poisson process
/// and pick a document uniformly.
///
/// Defaults, before `lengthScale`: documents of mean 12K tokens (long-document QA sets such as
/// LongBench's single-document tasks average several thousand to ~18K words), questions of mean
/// 64 tokens and answers of mean 128 tokens.
public struct DocumentWorkload: Sendable {
    public var documents = 6
    public var questions = 96
    public var document = LengthDistribution(mean: 12_000, sigma: 0.3, bounds: 4096 ... 14_000)
    public var question = LengthDistribution(mean: 64, sigma: 0.5, bounds: 8 ... 256)
    public var answer = LengthDistribution(mean: 128, sigma: 0.6, bounds: 16 ... 512)
    /// Questions per second (after scaling: this machine's pace).
    public var poissonRate = 4.0
    public var lengthScale = 0.125
    public var seed: UInt64 = 1

    public init() {}

    public func make(contextLimit: Int, vocabulary: Range<TokenID>) -> Workload {
        var rng = SplitMix64(seed: seed)
        let q = question.scaled(by: lengthScale), a = answer.scaled(by: lengthScale)
        let docs = (0 ..< documents).map { _ in
            rng.tokens(document.scaled(by: lengthScale).sample(&rng), in: vocabulary)
        }
        var jobs: [BenchJob] = []
        var start = 0.0
        for id in 0 ..< questions {
            start += rng.exponential(mean: 1 / poissonRate)
            let doc = docs[Int.random(in: 0 ..< docs.count, using: &rng)]
            var text = rng.tokens(q.sample(&rng), in: vocabulary)
            let out = a.sample(&rng)
            let room = contextLimit - 1 - doc.count - out
            if text.count > room { text = Array(text.prefix(max(1, room))) }
            jobs.append(BenchJob(id: id, startTime: start, calls: [BenchCall(newTokens: doc + text, maxTokens: out, delay: 0)]))
        }
        return Workload(
            name: "docs",
            parameters: [
                "\(documents) documents of \(docs.map { String($0.count) }.joined(separator: ", ")) tokens (mean 12K ×\(lengthScale))",
                "\(questions) questions, Poisson \(poissonRate)/s, uniform over documents; question \(q), answer \(a) tokens",
                "seed \(seed)",
            ],
            jobs: jobs, arrivals: .scheduled)
    }
}
