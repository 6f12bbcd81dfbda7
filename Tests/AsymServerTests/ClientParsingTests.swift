@testable import AsymServer
import Foundation
import Testing

/// The load test's HTTP and SSE parsing, on hand-made byte streams split at awkward places.
@Suite("Loopback client parsing") struct ClientParsingTests {
    static let events = ["data: {}\n\n", "data: [DONE]\n\n"]
    static let chunked = Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/event-stream\r\n\r\n"
        .utf8) + Array((events.map { String($0.utf8.count, radix: 16) + ";ext=1\r\n" + $0 + "\r\n" }.joined() + "0\r\n\r\n").utf8)

    @Test(arguments: [1, 2, 3, 7, 1000]) func chunkedBodiesSurviveAnySplit(_ piece: Int) throws {
        var reader = ResponseReader()
        var body: [UInt8] = []
        var offset = 0
        while offset < Self.chunked.count && !reader.finished {
            let end = min(offset + piece, Self.chunked.count)
            body += try reader.feed(Array(Self.chunked[offset ..< end]), atEnd: false)
            offset = end
        }
        #expect(reader.status == 200)
        #expect(reader.finished)
        #expect(String(decoding: body, as: UTF8.self) == Self.events.joined())
    }

    @Test func contentLengthBodiesEndAtTheirLength() throws {
        var reader = ResponseReader()
        let body = try reader.feed(Array("HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\nhello".utf8), atEnd: false)
        #expect(reader.status == 404 && reader.finished)
        #expect(body == Array("hello".utf8))
    }

    @Test func sseEventsAreSplitOnBlankLinesAcrossFeeds() {
        var sse = SSEReader()
        let first = sse.feed(Array(#"data: {"choices":[{"delta":{"content":"Hi"}}]}"#.utf8))
        #expect(first.isEmpty)
        let rest = sse.feed(Array("\n\ndata: {\"usage\":{\"completion_tokens\":3}}\n\ndata: [DONE]\n\n".utf8))
        #expect(rest.count == 2)
        #expect(rest.first.flatMap { $0.flatMap(SSEReader.content(of:)) } == "Hi")
        #expect(rest.last.flatMap { $0.flatMap(SSEReader.completionTokens(of:)) } == 3)
        #expect(sse.sawDone)
    }
}
