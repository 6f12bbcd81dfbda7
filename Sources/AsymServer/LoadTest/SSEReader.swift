import Foundation

/// Splits a server-sent-event body into the JSON objects of its `data:` lines and notes the
/// `[DONE]` terminator.
struct SSEReader {
    private var text = ""
    private(set) var sawDone = false

    /// Adds body bytes; returns the complete events' JSON objects (undecodable ones as nil).
    mutating func feed(_ bytes: [UInt8]) -> [[String: Any]?] {
        text += String(decoding: bytes, as: UTF8.self)
        var events: [[String: Any]?] = []
        while let range = text.range(of: "\n\n") {
            let block = text[..<range.lowerBound]
            text.removeSubrange(..<range.upperBound)
            for line in block.split(separator: "\n") where line.hasPrefix("data: ") {
                let payload = line.dropFirst("data: ".count)
                if payload == "[DONE]" {
                    sawDone = true
                } else {
                    events.append((try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any])
                }
            }
        }
        return events
    }

    /// The text a chat or completion chunk adds (`delta.content` or `text`), if any.
    static func content(of event: [String: Any]) -> String? {
        guard let choice = (event["choices"] as? [[String: Any]])?.first else { return nil }
        if let delta = choice["delta"] as? [String: Any] { return delta["content"] as? String }
        return choice["text"] as? String
    }

    /// `usage.completion_tokens` of the final chunk, if this is it.
    static func completionTokens(of event: [String: Any]) -> Int? {
        (event["usage"] as? [String: Any])?["completion_tokens"] as? Int
    }
}
