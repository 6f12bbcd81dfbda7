/// Incremental parser of one HTTP/1.1 response: the status line and headers, then a body that
/// is chunked, sized by Content-Length, or delimited by the connection's end.
struct ResponseReader {
    private(set) var status: Int?
    private(set) var finished = false
    private var pending: [UInt8] = []
    private var chunked = false
    private var remaining: Int?          // bytes left of a sized body or of the current chunk
    private var inChunkTrailer = false   // the CRLF after a chunk's data

    /// Adds received bytes; returns the body bytes they complete.
    mutating func feed(_ bytes: [UInt8], atEnd: Bool) throws -> [UInt8] {
        pending += bytes
        if status == nil {
            guard let end = find([13, 10, 13, 10], in: pending) else {
                if atEnd { throw LoopbackHTTPClient.Failure(description: "incomplete response head") }
                return []
            }
            try parseHead(String(decoding: pending[0 ..< end], as: UTF8.self))
            pending.removeFirst(end + 4)
        }
        var body: [UInt8] = []
        if chunked {
            while !finished, let piece = nextChunkPiece() { body += piece }
        } else if let left = remaining {
            let take = min(left, pending.count)
            body = Array(pending[0 ..< take])
            pending.removeFirst(take)
            remaining = left - take
            if remaining == 0 { finished = true }
        } else {
            body = pending
            pending = []
            if atEnd { finished = true }
        }
        return body
    }

    private mutating func parseHead(_ head: String) throws {
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let parts = lines.first?.split(separator: " ") ?? []
        guard parts.count >= 2, let code = Int(parts[1]) else {
            throw LoopbackHTTPClient.Failure(description: "bad status line: \(lines.first ?? "")")
        }
        status = code
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces()
            if name == "transfer-encoding", value.lowercased().contains("chunked") { chunked = true }
            if name == "content-length", let n = Int(value) { remaining = n }
        }
        if chunked { remaining = nil }
        if !chunked, remaining == 0 { finished = true }
    }

    /// Decodes as much of the chunked body as has arrived.
    private mutating func nextChunkPiece() -> [UInt8]? {
        if inChunkTrailer {
            guard pending.count >= 2 else { return nil }
            pending.removeFirst(2)
            inChunkTrailer = false
        }
        if let left = remaining, left > 0 {
            guard !pending.isEmpty else { return nil }
            let take = min(left, pending.count)
            let piece = Array(pending[0 ..< take])
            pending.removeFirst(take)
            remaining = left - take
            if remaining == 0 { inChunkTrailer = true; remaining = nil }
            return piece
        }
        guard let lineEnd = find([13, 10], in: pending) else { return nil }
        let sizeText = String(decoding: pending[0 ..< lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
        pending.removeFirst(lineEnd + 2)
        let size = Int(sizeText.trimmingSpaces(), radix: 16) ?? 0
        if size == 0 {
            finished = true
            return []
        }
        remaining = size
        return []
    }

    private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0 ... haystack.count - needle.count where haystack[i] == needle[0] {
            if Array(haystack[i ..< i + needle.count]) == needle { return i }
        }
        return nil
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
