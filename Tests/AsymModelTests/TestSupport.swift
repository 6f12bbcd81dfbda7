import AsymCore
import AsymDefaultModel
import AsymTestSupport
import Foundation
@testable import AsymModel

enum Fixtures {
    static var tinyLlama: URL { TestFixtures.tinyLlama }
    static var tinyLlamaGolden: URL { TestFixtures.tinyLlamaGolden }
    static func json(_ url: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }
    /// A fresh temporary directory, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("asymcache-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Drives a runner for one sequence laid out in blocks 0, 1, 2, ... of its arena.
struct SequenceDriver {
    let runner: ModelRunner
    var tokens: [TokenID] = []

    var blockTable: [BlockID] {
        (0 ..< (tokens.count + runner.blockSize) / runner.blockSize).map { BlockID($0) }
    }

    /// Feeds `newTokens` as one segment and returns the logits of its last position.
    mutating func feed(_ newTokens: [TokenID]) throws -> [Float] {
        let start = tokens.count
        tokens += newTokens
        let pass = SequencePass(blockTable: blockTable, segments: [QuerySegment(startPosition: start, tokens: newTokens)],
                                logitPositions: [tokens.count - 1])
        return Array(try runner.execute(BatchPlan(sequences: [pass]))[0].values)
    }

    /// Greedy continuation of `prompt` for `count` tokens, one decode step at a time.
    mutating func greedy(prompt: [TokenID], count: Int) throws -> [TokenID] {
        var logits = try feed(prompt)
        var out: [TokenID] = []
        for _ in 0 ..< count {
            let next = TokenID(argmax(logits))
            out.append(next)
            logits = try feed([next])
        }
        return out
    }
}

func argmax(_ values: [Float]) -> Int {
    var best = 0
    for i in values.indices where values[i] > values[best] { best = i }
    return best
}

/// max |a - b| / max |b| over two logit rows.
func relativeError(_ a: [Float], _ b: [Float]) -> Float {
    let scale = b.map(abs).max() ?? 1
    return zip(a, b).map { abs($0 - $1) }.max()! / scale
}
