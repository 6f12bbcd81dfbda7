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
        let utf16 = text.utf16
        var result: [Range<Int>] = []
        let whole = NSRange(location: 0, length: utf16.count)
        for match in regex.matches(in: text, range: whole) where match.range.length > 0 {
            guard let range = Range(match.range, in: text) else { continue }
            let start = text.utf8.distance(from: text.startIndex, to: range.lowerBound)
            let end = start + text.utf8.distance(from: range.lowerBound, to: range.upperBound)
            result.append(start..<end)
        }
        return result
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
