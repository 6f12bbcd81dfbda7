import Hummingbird
import NIOCore

/// Server-sent events as OpenAI streams them: `data: <json>\n\n` per event, then `data: [DONE]\n\n`.
enum SSEEncoder {
    static let headers: HTTPFields = [
        .contentType: "text/event-stream", .cacheControl: "no-cache",
    ]

    /// One event carrying `value` as JSON.
    static func event(_ value: some Encodable) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeString("data: ")
        buffer.writeBytes(JSONCoding.bytes(value))
        buffer.writeString("\n\n")
        return buffer
    }

    /// The terminator every stream ends with, even after an error event.
    static let done = ByteBuffer(string: "data: [DONE]\n\n")
}
