import AsymDefaultModel
import AsymTokenizer
import Foundation
import Testing

/// Encoding throughput on a long English text. Off by default; run in release with
/// `ASYM_BENCHMARKS=1 swift test -c release -Xswiftc -enable-testing --filter TokenizerBenchmark`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["ASYM_BENCHMARKS"] == "1"))
struct TokenizerBenchmark {
    @Test func encodeThroughput() throws {
        let long = try #require(try GoldenFixtures.tinyLlamaPrompts().first { $0.name == "long" }).text
        let unicode = try #require(try GoldenFixtures.tinyLlamaPrompts().first { $0.name == "unicode_emoji" }).text
        // Numbered copies so the text is not one repeated string; about 70K tokens for tiny-llama.
        let text = (0..<100).map { "\($0). \(long)\n" + ($0 % 10 == 0 ? unicode + "\n" : "") }.joined()
        for (name, directory) in [("tiny-llama", GoldenFixtures.tinyLlamaDirectory), ("kjv-llama-12m", DefaultModel.directory)] {
            var start = Date()
            let tokenizer = try Tokenizer.load(directory: directory)
            let load = Date().timeIntervalSince(start)
            start = Date()
            let ids = tokenizer.encode(text)
            let cold = Date().timeIntervalSince(start)
            start = Date()
            let rounds = 5
            for _ in 0..<rounds { #expect(tokenizer.encode(text) == ids) }
            let warm = Date().timeIntervalSince(start) / Double(rounds)
            start = Date()
            let decoded = tokenizer.decode(ids, skipSpecialTokens: true)
            let decodeTime = Date().timeIntervalSince(start)
            #expect(decoded == text)
            print(
                "\(name): load \(Int(load * 1000)) ms; \(text.utf8.count) bytes -> \(ids.count) tokens; first encode (filling the word cache) \(Int(Double(ids.count) / cold)) tok/s, "
                    + "warm cache \(Int(Double(ids.count) / warm)) tok/s; decode \(Int(Double(ids.count) / decodeTime)) tok/s")
        }
    }
}
