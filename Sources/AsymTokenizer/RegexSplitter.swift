import Foundation

/// A split regex run by Foundation's `NSRegularExpression` (ICU), for patterns that
/// `PatternScanner` does not know.
///
/// Hugging Face runs these patterns with Oniguruma, whose `\s` is Unicode `White_Space`; ICU's `\s`
/// omits U+000B and U+0085, so `init` rewrites `\s` and `\S` to include them.
struct RegexSplitter: @unchecked Sendable {
    // NSRegularExpression is immutable after creation and documented as thread-safe.
    private let regex: NSRegularExpression

    /// Throws (with ICU's message) when `pattern` does not compile.
    init(pattern: String) throws {
        regex = try NSRegularExpression(pattern: Self.withUnicodeWhitespace(pattern))
    }

    /// The byte ranges of `text` (UTF-8, relative to its start) that the regex matches, in order.
    func matches(in text: String) -> [Range<Int>] {
        // utf8Offset[u] is the UTF-8 offset of the scalar that starts at UTF-16 offset u.
        var utf8Offset = [Int](repeating: 0, count: text.utf16.count + 1)
        var utf16Position = 0
        var utf8Position = 0
        for scalar in text.unicodeScalars {
            utf8Offset[utf16Position] = utf8Position
            utf16Position += UTF16.width(scalar)
            utf8Position += UTF8.width(scalar)
        }
        utf8Offset[utf16Position] = utf8Position
        let whole = NSRange(location: 0, length: utf16Position)
        return regex.matches(in: text, range: whole).compactMap { match in
            let range = match.range
            guard range.length > 0 else { return nil }
            return utf8Offset[range.location]..<utf8Offset[range.location + range.length]
        }
    }

    /// Rewrites `\s` as `[\s\x{0B}\x{85}]` (inside a class: `\s\x{0B}\x{85}`) and `\S` as its complement.
    static func withUnicodeWhitespace(_ pattern: String) -> String {
        var output = ""
        var inClass = false
        var iterator = pattern.makeIterator()
        while let character = iterator.next() {
            if character == "\\", let escaped = iterator.next() {
                switch (escaped, inClass) {
                case ("s", false): output += #"[\s\x{0B}\x{85}]"#
                case ("s", true): output += #"\s\x{0B}\x{85}"#
                case ("S", false): output += #"[^\s\x{0B}\x{85}]"#
                default: output += "\\\(escaped)"  // `\S` inside a class is left as ICU reads it
                }
                continue
            }
            if character == "[" { inClass = true }
            if character == "]" { inClass = false }
            output.append(character)
        }
        return output
    }
}
