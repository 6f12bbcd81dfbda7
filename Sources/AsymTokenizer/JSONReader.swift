import Foundation

/// A JSON object read from one file, with typed accessors whose errors name that file and key.
///
/// `tokenizer.json` is polymorphic (every component is `{"type": ..., ...}`), so it is read
/// through `JSONSerialization` rather than `Codable`.
struct JSONReader {
    let path: String
    let object: [String: Any]
    /// Dotted key of `object` inside the file, for error messages ("" at the top level).
    let keyPath: String

    init(path: String, object: [String: Any], keyPath: String = "") {
        self.path = path
        self.object = object
        self.keyPath = keyPath
    }

    /// Reads and parses `url`; throws `fileNotFound` or `invalidJSON` naming the file.
    static func load(_ url: URL) throws -> JSONReader {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else { throw TokenizerError.fileNotFound(path: path) }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TokenizerError.invalidJSON(path: path, reason: "unreadable: \(error.localizedDescription)")
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw TokenizerError.invalidJSON(path: path, reason: error.localizedDescription)
        }
        guard let object = parsed as? [String: Any] else {
            throw TokenizerError.invalidJSON(path: path, reason: "top level is not an object")
        }
        return JSONReader(path: path, object: object)
    }

    func fullKey(_ key: String) -> String { keyPath.isEmpty ? key : "\(keyPath).\(key)" }

    /// True when `key` is absent or JSON `null`.
    func isNull(_ key: String) -> Bool { object[key] == nil || object[key] is NSNull }

    func string(_ key: String) throws -> String {
        guard let value = object[key] as? String else { throw missing(key) }
        return value
    }

    func optionalString(_ key: String) -> String? { object[key] as? String }

    func bool(_ key: String, default defaultValue: Bool) -> Bool {
        (object[key] as? Bool) ?? (object[key] as? NSNumber)?.boolValue ?? defaultValue
    }

    func child(_ key: String) throws -> JSONReader {
        guard let value = object[key] as? [String: Any] else { throw missing(key) }
        return JSONReader(path: path, object: value, keyPath: fullKey(key))
    }

    /// The child object at `key`, or nil when it is absent or `null`.
    func optionalChild(_ key: String) throws -> JSONReader? {
        isNull(key) ? nil : try child(key)
    }

    func array(_ key: String) throws -> [Any] {
        guard let value = object[key] as? [Any] else { throw missing(key) }
        return value
    }

    /// The elements of the array at `key`, each of which must be an object.
    func children(_ key: String) throws -> [JSONReader] {
        try array(key).enumerated().map { index, element in
            guard let value = element as? [String: Any] else { throw missing("\(key)[\(index)]") }
            return JSONReader(path: path, object: value, keyPath: fullKey("\(key)[\(index)]"))
        }
    }

    /// A JSON integer as `Int32` (JSONSerialization yields `Int` or `NSNumber` depending on platform).
    static func int32(_ value: Any?) -> Int32? {
        if let int = value as? Int { return Int32(exactly: int) }
        if let number = value as? NSNumber { return Int32(exactly: number.doubleValue) }
        return nil
    }

    func missing(_ key: String) -> TokenizerError { .missingKey(path: path, key: fullKey(key)) }

    func unsupported(_ key: String, _ value: String) -> TokenizerError {
        .unsupported(path: path, key: fullKey(key), value: value)
    }
}
