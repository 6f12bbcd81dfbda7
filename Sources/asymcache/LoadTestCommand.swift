import ArgumentParser
import AsymServer
import Foundation

/// `asymcache load-test`: concurrent streaming clients against a running `asymcache serve` on
/// 127.0.0.1, then clients that disconnect mid-stream; fails unless every request succeeds and
/// the KV pool ends as it began.
struct LoadTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load-test", abstract: "Load-test a local asymcache server (127.0.0.1 only).")

    @Option(help: "Port of the server on 127.0.0.1.")
    var port: Int = 8000

    @Option(help: "Concurrent streaming clients.")
    var clients: Int = 64

    @Option(help: "Seconds of load (at most 600).")
    var seconds: Double = 60

    @Option(help: "Clients that disconnect in the middle of a stream, after the load.")
    var disconnectingClients: Int = 16

    @Option(help: "max_tokens of each request.")
    var maxTokens: Int = 48

    @Option(help: "The model name to send; default: none (the server's model).")
    var model: String?

    func run() throws {
        guard (1 ... 1024).contains(clients), seconds > 0, seconds <= 600, (0 ... 256).contains(disconnectingClients) else {
            throw ValidationError("--clients must be in 1...1024, --seconds in (0, 600], --disconnecting-clients in 0...256")
        }
        var config = LoadTester.Config(port: port)
        config.clients = clients
        config.seconds = seconds
        config.disconnectingClients = disconnectingClients
        config.maxTokens = maxTokens
        config.model = model
        let report = try LoadTester(config: config).run()
        print("requests: \(report.requests) in \(fmt(report.wallSeconds)) s, \(report.failures.count) failed")
        print("throughput: \(fmt(report.requestsPerSecond)) req/s, \(fmt(report.tokensPerSecond)) output tokens/s")
        print("TTFT: p50 \(fmt(report.ttftPercentile(0.5) * 1000)) ms, p99 \(fmt(report.ttftPercentile(0.99) * 1000)) ms")
        print("disconnecting clients: \(report.disconnects) dropped, \(report.disconnectFailures.count) failed")
        print("KV used blocks: \(report.kvUsedBefore) before, \(report.kvUsedAfter) after")
        for failure in (report.failures + report.disconnectFailures).prefix(10) { print("  failure: \(failure)") }
        print(report.passed ? "PASS" : "FAIL")
        if !report.passed { throw ExitCode.failure }
    }

    private func fmt(_ x: Double) -> String { String(format: "%.1f", x) }
}
