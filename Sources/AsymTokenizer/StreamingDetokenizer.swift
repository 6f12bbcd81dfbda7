/// Turns generated token ids into text incrementally, never emitting half a UTF-8 character.
///
/// Bytes of an incomplete trailing UTF-8 sequence are held back until the tokens that complete it
/// arrive. Invalid bytes become U+FFFD exactly where `Tokenizer.decode` would put them, so the
/// concatenation of every `append` result and `finish()` equals `decode` of all ids (without
/// `clean_up_tokenization_spaces`).
public struct StreamingDetokenizer: Sendable {
    public let tokenizer: Tokenizer
    public let skipSpecialTokens: Bool
    /// Bytes received but not yet emitted: at most one incomplete UTF-8 sequence (<= 3 bytes).
    private var pending: [UInt8] = []

    public init(tokenizer: Tokenizer, skipSpecialTokens: Bool = false) {
        self.tokenizer = tokenizer
        self.skipSpecialTokens = skipSpecialTokens
    }

    /// The text completed by `id` (possibly empty).
    public mutating func append(_ id: Int32) -> String {
        if skipSpecialTokens, tokenizer.specialTokenIDs.contains(id) { return "" }
        pending += tokenizer.tokenBytes(id)
        let cut = Self.completePrefixLength(pending)
        guard cut > 0 else { return "" }
        let text = String(decoding: pending[..<cut], as: UTF8.self)
        pending.removeFirst(cut)
        return text
    }

    /// Flushes held-back bytes (an unfinished sequence becomes U+FFFD).
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Length of the prefix of `bytes` that can be decoded now: everything except a trailing lead
    /// byte plus continuation bytes that could still become a valid character.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        // A UTF-8 sequence is at most 4 bytes, so only the last 3 can be an unfinished one.
        var start = bytes.count - 1
        while start >= 0, start >= bytes.count - 3 {
            let byte = bytes[start]
            if byte & 0xC0 == 0x80 {  // continuation byte: keep looking for its lead
                start -= 1
                continue
            }
            let needed = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            let have = bytes.count - start
            if needed > have, Self.isValidPrefix(bytes[start...]) { return start }
            return bytes.count
        }
        return bytes.count
    }

    /// True when `sequence` (lead byte first, shorter than its full length) can still be completed
    /// to a valid scalar: lead byte C2...F4, and the second byte in the range the lead allows.
    private static func isValidPrefix(_ sequence: ArraySlice<UInt8>) -> Bool {
        let lead = sequence[sequence.startIndex]
        guard (0xC2...0xF4).contains(lead) else { return false }
        guard sequence.count >= 2 else { return true }
        let second = sequence[sequence.startIndex + 1]
        switch lead {
        case 0xE0: return (0xA0...0xBF).contains(second)
        case 0xED: return (0x80...0x9F).contains(second)
        case 0xF0: return (0x90...0xBF).contains(second)
        case 0xF4: return (0x80...0x8F).contains(second)
        default: return (0x80...0xBF).contains(second)
        }
    }
}
