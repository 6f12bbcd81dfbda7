#if canImport(Glibc)
import Glibc
private let systemConnect = Glibc.connect
#elseif canImport(Darwin)
import Darwin
private let systemConnect = Darwin.connect
#endif
import Foundation

/// A minimal blocking HTTP/1.1 client for the load test and live tests: one connection per
/// request (`Connection: close`), IPv4 loopback only, chunked bodies decoded. Each call runs on
/// the calling thread.
public struct LoopbackHTTPClient: Sendable {
    public let port: Int

    public init(port: Int) { self.port = port }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// A response's status and whole body.
    public struct Reply: Sendable {
        public var status: Int
        public var body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Sends one request and reads the whole response.
    public func request(method: String, path: String, body: [UInt8]? = nil) throws -> Reply {
        var reply = Reply(status: 0, body: [])
        try stream(method: method, path: path, body: body) { status, bytes in
            reply.status = status
            reply.body += bytes
            return true
        }
        return reply
    }

    /// Sends one request and hands each piece of the decoded body to `onBytes` as it arrives,
    /// with the status. Returning false closes the connection at once (a client that goes away).
    public func stream(method: String, path: String, body: [UInt8]?,
                       onBytes: (_ status: Int, _ bytes: [UInt8]) throws -> Bool) throws {
        let socket = try connect()
        defer { close(socket) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        try sendAll(socket, Array((head + "\r\n").utf8) + (body ?? []))

        var reader = ResponseReader()
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if n < 0 { throw Failure(description: "recv failed: errno \(errno)") }
            let done = n == 0
            let bytes = try reader.feed(Array(buffer[0 ..< n]), atEnd: done)
            if let status = reader.status, !bytes.isEmpty || reader.finished {
                if !(try onBytes(status, bytes)) { return }
            }
            if reader.finished { return }
            if done { throw Failure(description: "connection closed before the response ended") }
        }
    }

    private func connect() throws -> Int32 {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                systemConnect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw Failure(description: "connect to 127.0.0.1:\(port) failed: errno \(errno)")
        }
        return fd
    }

    private func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send failed: errno \(errno)") }
            offset += n
        }
    }
}
