import AsymDefaultModel
import Testing

@testable import AsymTokenizer

/// The heap-based merge loop must agree with its naive twin.
@Suite("BytePairModel")
struct BytePairModelTests {
    @Test func heapMergeMatchesNaiveMerge() throws {
        let tokenizer = try Tokenizer.load(directory: DefaultModel.directory)
        let model = tokenizer.definition.model
        // Bytes of frequent letters, spaces and multi-byte text make long merge chains likely.
        let pool = Array(" the and of unto Lord God hath shall é日🙂".utf8)
        var generator = SplitMix64(seed: 11)
        var mergedSomething = false
        for _ in 0..<500 {
            let word = (0..<Int.random(in: 1...80, using: &generator)).map { _ in pool.randomElement(using: &generator)! }
            let symbols = model.initialSymbols(ArraySlice(word))
            let heap = model.mergeWithHeap(symbols)
            #expect(heap == model.mergeNaively(symbols))
            if heap.count < symbols.count { mergedSomething = true }
        }
        #expect(mergedSomething)
    }

    @Test func wordCacheReturnsTheSameIDs() throws {
        let tokenizer = try Tokenizer.load(directory: DefaultModel.directory)
        let text = "In the beginning God created the heaven and the earth."
        #expect(tokenizer.encode(text) == tokenizer.encode(text))
        #expect(tokenizer.decode(tokenizer.encode(text, addSpecialTokens: false)) == text)
    }
}
