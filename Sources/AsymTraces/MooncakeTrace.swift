import AsymCore
import Foundation

/// A Mooncake (FAST'25) trace: one JSON object per line with `timestamp` (ms), `input_length`,
/// `output_length` and prefix-chained `hash_ids` of 512-token blocks (the last may be partial).
public struct MooncakeTrace: Sendable {
    public struct Request: Decodable, Equatable, Sendable {
        public var timestamp: Double
        public var input_length: Int
        public var output_length: Int
        public var hash_ids: [Int]
        public init(timestamp: Double, input_length: Int, output_length: Int, hash_ids: [Int]) {
            self.timestamp = timestamp
            self.input_length = input_length
            self.output_length = output_length
            self.hash_ids = hash_ids
        }
        /// Arrival time in seconds.
        public var arrivalSeconds: Double { timestamp / 1000 }
    }

    /// Tokens per hash id.
    public static let hashBlockTokens = 512

    public var requests: [Request]

    public init(requests: [Request]) { self.requests = requests }

    /// Parses JSONL; blank lines are skipped.
    public init(jsonl data: Data) throws {
        let decoder = JSONDecoder()
        var out: [Request] = []
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) {
            out.append(try decoder.decode(Request.self, from: Data(line)))
        }
        requests = out
    }

    public init(contentsOf url: URL) throws { try self.init(jsonl: Data(contentsOf: url)) }
}

/// Deterministic tokens for trace requests: hash id `h` always yields the same 512 tokens (a
/// splitmix64 stream seeded by `h`), so equal ids give equal tokens and chained ids give shared
/// prefixes. Token values lie in `0 ..< vocabularySize`.
public struct TraceTokenSynthesizer: Sendable {
    public var vocabularySize: Int

    public init(vocabularySize: Int = 128_000) {
        precondition(vocabularySize > 0)
        self.vocabularySize = vocabularySize
    }

    /// The first `count` (≤ 512) tokens of hash id `hashID`.
    public func tokens(hashID: Int, count: Int = MooncakeTrace.hashBlockTokens) -> [TokenID] {
        var state = UInt64(bitPattern: Int64(hashID)) &* 0x9E37_79B9_7F4A_7C15 ^ 0x5851_F42D_4C95_7F2D
        let vocab = UInt64(vocabularySize)
        return (0..<count).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return TokenID(truncatingIfNeeded: z % vocab)
        }
    }

    /// The prompt of a request: `input_length` tokens built block by block from its hash ids.
    public func prompt(for request: MooncakeTrace.Request) -> [TokenID] {
        let size = MooncakeTrace.hashBlockTokens
        var out: [TokenID] = []
        out.reserveCapacity(request.input_length)
        for (d, id) in request.hash_ids.enumerated() {
            let count = min(size, request.input_length - d * size)
            guard count > 0 else { break }
            out += tokens(hashID: id, count: count)
        }
        return out
    }
}
