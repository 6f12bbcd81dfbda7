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
            throw APIError.decoding(error)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.invalid("the body is not valid JSON: \(error)", code: "invalid_json")
        }
    }
}
