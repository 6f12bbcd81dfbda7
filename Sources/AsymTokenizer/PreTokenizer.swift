/// The pre-tokenizer of `tokenizer.json`: a list of steps that cut text into the words BPE sees.
///
/// Supported kinds: `Split` (regex or literal, every delimiter behavior, `invert`), `ByteLevel`
/// (`add_prefix_space`, `use_regex` with the GPT-2 pattern) and `Sequence` of those. Pieces are
/// UTF-8 byte slices; ByteLevel's byte-to-symbol mapping happens later, inside the BPE model.
struct PreTokenizer: Sendable {
    enum Pattern: Sendable {
        case scanner(PatternScanner)
        case regex(RegexSplitter)
        case literal([UInt8])
    }

    /// What a `Split` does with the delimiters it matches (Hugging Face `SplitDelimiterBehavior`).
    enum Behavior: String, Sendable {
        case removed = "Removed"
        case isolated = "Isolated"
        case mergedWithPrevious = "MergedWithPrevious"
        case mergedWithNext = "MergedWithNext"
        case contiguous = "Contiguous"
    }

    enum Step: Sendable {
        case split(Pattern, behavior: Behavior, invert: Bool)
        case byteLevel(addPrefixSpace: Bool, useRegex: Bool)
    }

    let steps: [Step]

    /// Splits one run of text (between added tokens) into words.
    func words(of text: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var pieces = [text]
        for step in steps {
            var next: [ArraySlice<UInt8>] = []
            next.reserveCapacity(pieces.count)
            for piece in pieces { apply(step, to: piece, into: &next) }
            pieces = next
        }
        return pieces.filter { !$0.isEmpty }
    }

    private func apply(_ step: Step, to piece: ArraySlice<UInt8>, into output: inout [ArraySlice<UInt8>]) {
        switch step {
        case .split(let pattern, let behavior, let invert):
            let matches = Self.matches(of: pattern, in: piece)
            Self.split(piece, matches: matches, behavior: behavior, invert: invert, into: &output)
        case .byteLevel(let addPrefixSpace, let useRegex):
            var piece = piece
            if addPrefixSpace, piece.first != 0x20 { piece = ArraySlice([0x20] + piece) }
            if useRegex {
                let matches = Self.matches(of: .scanner(.gpt2), in: piece)
                Self.split(piece, matches: matches, behavior: .isolated, invert: false, into: &output)
            } else {
                output.append(piece)
            }
        }
    }

    /// Match ranges relative to `piece.startIndex`.
    static func matches(of pattern: Pattern, in piece: ArraySlice<UInt8>) -> [Range<Int>] {
        switch pattern {
        case .scanner(let scanner):
            return scanner.pieces(of: ClassifiedText(utf8: piece))
        case .regex(let regex):
            return regex.matches(in: String(decoding: piece, as: UTF8.self))
        case .literal(let needle):
            guard !needle.isEmpty else { return [] }
            var result: [Range<Int>] = []
            let bytes = Array(piece)
            var index = 0
            while index + needle.count <= bytes.count {
                if bytes[index..<index + needle.count].elementsEqual(needle) {
                    result.append(index..<index + needle.count)
                    index += needle.count
                } else {
                    index += 1
                }
            }
            return result
        }
    }

    /// Hugging Face's `split` over (range, isMatch) segments, reproducing each behavior's fold.
    static func split(
        _ piece: ArraySlice<UInt8>, matches: [Range<Int>], behavior: Behavior, invert: Bool,
        into output: inout [ArraySlice<UInt8>]
    ) {
        var segments: [(range: Range<Int>, isMatch: Bool)] = []
        var previousEnd = 0
        for match in matches {
            if previousEnd < match.lowerBound { segments.append((previousEnd..<match.lowerBound, invert)) }
            segments.append((match, !invert))
            previousEnd = match.upperBound
        }
        if previousEnd < piece.count { segments.append((previousEnd..<piece.count, invert)) }

        var merged: [Range<Int>] = []
        switch behavior {
        case .isolated:
            merged = segments.map(\.range)
        case .removed:
            merged = segments.filter { !$0.isMatch }.map(\.range)
        case .mergedWithPrevious:
            var previousWasMatch = false
            for segment in segments {
                if segment.isMatch, !previousWasMatch, let last = merged.last {
                    merged[merged.count - 1] = last.lowerBound..<segment.range.upperBound
                } else {
                    merged.append(segment.range)
                }
                previousWasMatch = segment.isMatch
            }
        case .mergedWithNext:
            var previousWasMatch = false
            for segment in segments.reversed() {
                if segment.isMatch, !previousWasMatch, let last = merged.last {
                    merged[merged.count - 1] = segment.range.lowerBound..<last.upperBound
                } else {
                    merged.append(segment.range)
                }
                previousWasMatch = segment.isMatch
            }
            merged.reverse()
        case .contiguous:
            var previousWasMatch = false
            for segment in segments {
                if segment.isMatch == previousWasMatch, let last = merged.last {
                    merged[merged.count - 1] = last.lowerBound..<segment.range.upperBound
                } else {
                    merged.append(segment.range)
                }
                previousWasMatch = segment.isMatch
            }
        }
        let base = piece.startIndex
        for range in merged { output.append(piece[(base + range.lowerBound)..<(base + range.upperBound)]) }
    }
}
