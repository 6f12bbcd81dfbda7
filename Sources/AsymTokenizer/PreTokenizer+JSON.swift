extension PreTokenizer {
    /// The steps of a `pre_tokenizer` object (flattening `Sequence`).
    static func steps(_ json: JSONReader) throws -> [Step] {
        let type = try json.string("type")
        switch type {
        case "Sequence":
            return try json.children("pretokenizers").flatMap(steps)
        case "ByteLevel":
            return [
                .byteLevel(
                    addPrefixSpace: json.bool("add_prefix_space", default: true),
                    useRegex: json.bool("use_regex", default: true))
            ]
        case "Split":
            let patternJSON = try json.child("pattern")
            let pattern: Pattern
            if let regex = patternJSON.optionalString("Regex") {
                if let scanner = PatternScanner(pattern: regex) {
                    pattern = .scanner(scanner)
                } else {
                    do {
                        pattern = .regex(try RegexSplitter(pattern: regex))
                    } catch {
                        throw patternJSON.unsupported("Regex", regex)
                    }
                }
            } else if let literal = patternJSON.optionalString("String") {
                pattern = .literal(Array(literal.utf8))
            } else {
                throw patternJSON.missing("Regex")
            }
            let behaviorName = try json.string("behavior")
            guard let behavior = Behavior(rawValue: behaviorName) else { throw json.unsupported("behavior", behaviorName) }
            return [.split(pattern, behavior: behavior, invert: json.bool("invert", default: false))]
        default:
            throw json.unsupported("type", type)
        }
    }
}
