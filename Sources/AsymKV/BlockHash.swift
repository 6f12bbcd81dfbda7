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

/// The fixed, process-independent block hash. Each block's tokens get their own digest (an
/// xxHash64-style function written here, not byte-compatible with xxHash, over the tokens as
/// 32-bit words), which depends on nothing else; the chain then folds the digests in order,
/// `h_i = chain(h_{i-1}, digest_i)` from the namespace root, with a cheap step that is a
/// bijection of `h_{i-1}` for each digest. The digests of a prompt are independent, so the CPU
/// overlaps them and only the short chain step is serial.
/// Never Swift's per-process seeded `Hasher`.
public enum PrefixHasher {
    @usableFromInline static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    @usableFromInline static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    @usableFromInline static let p3: UInt64 = 0x1656_67B1_9E37_79F9
    @usableFromInline static let p4: UInt64 = 0x85EB_CA77_C2B2_AE63
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

    @inlinable @inline(__always) static func round(_ acc: UInt64, _ word: UInt64) -> UInt64 {
        ((acc &+ word &* p2) <<< 31) &* p1
    }

    @inlinable @inline(__always) static func mergeRound(_ h: UInt64, _ v: UInt64) -> UInt64 {
        (h ^ round(0, v)) &* p1 &+ p4
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

    /// Four-lane hash of `tokens` seeded with `seed`; pairs of tokens form one 64-bit word.
    @inlinable static func hashBlock(seed: UInt64, tokens: UnsafeBufferPointer<TokenID>) -> UInt64 {
        let n = tokens.count
        @inline(__always) func word(_ i: Int) -> UInt64 {
            UInt64(UInt32(bitPattern: tokens[2 * i])) | (UInt64(UInt32(bitPattern: tokens[2 * i + 1])) << 32)
        }
        var h: UInt64
        var w = 0
        let words = n / 2
        if words >= 4 {
            var v1 = seed &+ p1 &+ p2
            var v2 = seed &+ p2
            var v3 = seed
            var v4 = seed &- p1
            while w + 4 <= words {
                v1 = round(v1, word(w))
                v2 = round(v2, word(w + 1))
                v3 = round(v3, word(w + 2))
                v4 = round(v4, word(w + 3))
                w += 4
            }
            h = (v1 <<< 1) &+ (v2 <<< 7) &+ (v3 <<< 12) &+ (v4 <<< 18)
            h = mergeRound(mergeRound(mergeRound(mergeRound(h, v1), v2), v3), v4)
        } else {
            h = seed &+ p5
        }
        h = h &+ UInt64(n * 4)
        while w < words {
            h ^= round(0, word(w))
            h = (h <<< 27) &* p1 &+ p4
            w += 1
        }
        if n % 2 == 1 {
            h ^= UInt64(UInt32(bitPattern: tokens[n - 1])) &* p1
            h = (h <<< 23) &* p2 &+ p3
        }
        return avalanche(h)
    }
}

infix operator <<< : BitwiseShiftPrecedence

@inlinable @inline(__always) func <<< (x: UInt64, r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }
