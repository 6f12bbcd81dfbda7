import Foundation

/// The `normalizer` of `tokenizer.json`, applied to each text run between added tokens.
///
/// Byte-level tokenizers use none (GPT-2, Llama-3) or `NFC` (Qwen2); also accepted are the other
/// Unicode forms, `Lowercase`, and a `Sequence` of these.
enum Normalizer: Sendable, Equatable {
    case nfc, nfd, nfkc, nfkd, lowercase
    indirect case sequence([Normalizer])

    /// Reads a normalizer object; throws `unsupported` (naming the file and key) for other kinds.
    init(_ json: JSONReader) throws {
        let type = try json.string("type")
        switch type {
        case "NFC": self = .nfc
        case "NFD": self = .nfd
        case "NFKC": self = .nfkc
        case "NFKD": self = .nfkd
        case "Lowercase": self = .lowercase
        case "Sequence": self = .sequence(try json.children("normalizers").map(Normalizer.init))
        default: throw json.unsupported("type", type)
        }
    }

    func apply(_ text: String) -> String {
        switch self {
        case .nfc: text.precomposedStringWithCanonicalMapping
        case .nfd: text.decomposedStringWithCanonicalMapping
        case .nfkc: text.precomposedStringWithCompatibilityMapping
        case .nfkd: text.decomposedStringWithCompatibilityMapping
        case .lowercase: text.lowercased()
        case .sequence(let steps): steps.reduce(text) { $1.apply($0) }
        }
    }
}
