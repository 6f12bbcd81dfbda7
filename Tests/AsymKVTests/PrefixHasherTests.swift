import AsymCore
import Testing
@testable import AsymKV

@Suite("PrefixHasher")
struct PrefixHasherTests {
    @Test func hashOfAKnownBlockNeverChanges() {
        let hashes = PrefixHasher.blockHashes(of: (0..<32).map { TokenID($0) }, blockSize: 16)
        // Fixed values, also reproduced by an independent Python transcription of the function.
        // A change here would silently break any cache keyed across processes.
        #expect(hashes.map(\.rawValue) == [3_670_733_842_461_226_276, 14_204_602_107_454_622_852])
    }

    @Test func chainingAndNamespaceChangeTheHash() {
        let a = PrefixHasher.blockHashes(of: tokens(1, 32), blockSize: 16)
        let b = PrefixHasher.blockHashes(of: tokens(2, 16) + tokens(1, 16, from: 16), blockSize: 16)
        #expect(a[1] != b[1], "same block tokens after a different prefix must differ")
        let salted = PrefixHasher.blockHashes(of: tokens(1, 32), blockSize: 16, namespace: CacheNamespace(7))
        #expect(salted[0] != a[0])
        #expect(PrefixHasher.blockHashes(of: tokens(1, 31), blockSize: 16).count == 1)
    }

    @Test func oddBlockSizesHashEveryToken() {
        let x = PrefixHasher.blockHashes(of: [1, 2, 3], blockSize: 3)
        let y = PrefixHasher.blockHashes(of: [1, 2, 4], blockSize: 3)
        #expect(x != y)
    }
}
