import Foundation

/// JSON for the API: snake_case keys are spelled out in each DTO's `CodingKeys`.
enum JSONCoding {
    /// Compact JSON of `value`, without escaped slashes.
    static func bytes(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        // Our DTOs contain only strings, integers, finite doubles and arrays: encoding cannot fail.
        return Array((try? encoder.encode(value)) ?? Data(#"{"error":{"message":"encoding failed"}}"#.utf8))
    }

    /// Decodes `T` from a request body; malformed JSON and wrong types become 400s.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(APIError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty, let key = inexactInteger(in: bytes) {
                throw APIError.invalid("'\(key)' must be an integer in range", param: key)
            }
            throw APIError.decoding(error)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.invalid("the body is not valid JSON: \(error)", code: "invalid_json")
        }
    }

    static let integerFields = ["max_tokens", "max_completion_tokens", "n", "best_of", "seed", "top_k", "logprobs"]

    /// Foundation reports a number that does not fit an integer field (1.5, 1e30) as corrupt data
    /// with no path: find the field, so that the error can name it.
    private static func inexactInteger(in bytes: [UInt8]) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else { return nil }
        return integerFields.first { key in
            guard let number = object[key] as? NSNumber, !(object[key] is Bool) else { return false }
            return Int64(exactly: number.doubleValue) == nil || number.doubleValue != number.doubleValue.rounded()
        }
    }
}
