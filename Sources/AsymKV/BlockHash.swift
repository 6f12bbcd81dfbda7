import AsymCore

/// Identity of a full block: a chained hash of the whole prefix up to and including the block.
/// Equal hashes (verified against the stored tokens) mean an identical token prefix, so the
/// block's KV is valid whether or not its parent blocks are resident.
public struct BlockHash: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    @inlinable public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { "h" + String(rawValue, radix: 16) }
}

/// Separates caches that must never share blocks (per tenant, per model, per LoRA, a salt).
public struct CacheNamespace: Hashable, Sendable {
    public var rawValue: UInt64
    @inlinable public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public static let shared = CacheNamespace(0)
}

/// The fixed, process-independent block hash. Each block's tokens get their own digest (a
/// multiply-fold function in the style of wyhash/XXH3, written here and compatible with
/// neither, over pairs of tokens as 64-bit words), which depends on nothing else; the chain then folds the digests in order,
/// `h_i = chain(h_{i-1}, digest_i)` from the namespace root, with a cheap step that is a
/// bijection of `h_{i-1}` for each digest. The digests of a prompt are independent, so the CPU
/// overlaps them and only the short chain step is serial.
/// Never Swift's per-process seeded `Hasher`.
public enum PrefixHasher {
    @usableFromInline static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    @usableFromInline static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    @usableFromInline static let p3: UInt64 = 0x1656_67B1_9E37_79F9
    @usableFromInline static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

    /// The chain's starting value for a namespace (stands in for "parent" of block 0).
    @inlinable public static func root(_ namespace: CacheNamespace) -> UInt64 {
        avalanche(namespace.rawValue &* p1 &+ p5)
    }

    /// Hash of one block given its parent's hash (nil for block 0).
    @inlinable public static func hash(
        parent: BlockHash?, namespace: CacheNamespace, tokens: UnsafeBufferPointer<TokenID>
    ) -> BlockHash {
        BlockHash(chain(parent?.rawValue ?? root(namespace), hashBlock(seed: 0, tokens: tokens)))
    }

    /// One chain step: folds a block digest into the prefix hash (xor, multiply by an odd
    /// constant, xor-shift: each a bijection, so distinct prefixes stay distinct per digest).
    @inlinable @inline(__always) static func chain(_ prefix: UInt64, _ digest: UInt64) -> UInt64 {
        let x = (prefix ^ digest) &* p1
        return x ^ (x >> 32)
    }

    /// Chained hashes of every full block of `tokens` (a trailing partial block is not hashed).
    public static func blockHashes(
        of tokens: [TokenID], blockSize: Int, namespace: CacheNamespace = .shared, upToBlock limit: Int? = nil
    ) -> [BlockHash] {
        let count = min(tokens.count / blockSize, limit ?? Int.max)
        var out = [BlockHash]()
        out.reserveCapacity(count)
        tokens.withUnsafeBufferPointer { buf in
            var seed = root(namespace)
            for b in 0..<count {
                seed = chain(seed, hashBlock(seed: 0, tokens: UnsafeBufferPointer(rebasing: buf[b * blockSize ..< (b + 1) * blockSize])))
                out.append(BlockHash(seed))
            }
        }
        return out
    }

    /// Secrets of the block digest. Both 32-bit halves of each have their top bit set, so a
    /// pair of non-negative token ids xored with one is never zero (a zero factor would let a
    /// multiply forget its other operand).
    @usableFromInline static let secrets: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
        0xA076_1D64_F8BD_642F, 0xE703_7ED1_A0B4_28DB, 0x8EBC_6AF0_9C88_C6E3,
        0x9E37_79B9_FF4A_7C15, 0xD6E8_FEB8_E669_9B4F, 0xC2B2_AE3D_A7D4_EB4F)

    /// 64×64→128-bit multiply folded to 64 bits (high xor low), the mixer of wyhash and XXH3.
    @inlinable @inline(__always) static func mum(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let r = a.multipliedFullWidth(by: b)
        return r.high ^ r.low
    }

    @inlinable @inline(__always) static func avalanche(_ x: UInt64) -> UInt64 {
        var h = x
        h ^= h >> 33
        h = h &* p2
        h ^= h >> 29
        h = h &* p3
        h ^= h >> 32
        return h
    }

    /// Digest of `tokens` with `seed`: pairs of tokens form 64-bit words; each group of 4 words
    /// costs two independent folded multiplies and one that chains the groups; then the
    /// length and an odd tail; one last fold. 16 tokens take 5 wide multiplies.
    @inlinable @inline(__always) static func hashBlock(seed: UInt64, tokens: UnsafeBufferPointer<TokenID>) -> UInt64 {
        let n = tokens.count
        let s = secrets
        @inline(__always) func word(_ i: Int) -> UInt64 {
            UInt64(UInt32(bitPattern: tokens[2 * i])) | (UInt64(UInt32(bitPattern: tokens[2 * i + 1])) << 32)
        }
        var h = seed ^ s.0
        let words = n / 2
        var w = 0
        while w + 4 <= words {
            let x = mum(word(w) ^ s.0, word(w + 1) ^ s.1)
            let y = mum(word(w + 2) ^ s.2, word(w + 3) ^ s.3)
            h = mum(h ^ x, y ^ s.4)
            w += 4
        }
        while w < words {
            h = mum(h ^ word(w) ^ s.1, s.5)
            w += 1
        }
        if n % 2 == 1 { h = mum(h ^ UInt64(UInt32(bitPattern: tokens[n - 1])) ^ s.2, s.5) }
        return mum(h ^ UInt64(n), s.3 ^ s.4)
    }
}
