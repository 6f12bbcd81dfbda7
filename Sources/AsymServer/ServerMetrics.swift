import AsymEngine
import AsymKV
import CoreMetrics
import Metrics
import Prometheus
import Synchronization

/// The server's metrics, recorded through swift-metrics into a Prometheus registry of its own
/// (no global bootstrap, so several applications can live in one process).
///
/// Names follow vLLM where vLLM has the metric (dashboards and routers read them unchanged);
/// the others are `asymcache:*`. Counters mirrored from the engine's cumulative statistics are
/// advanced by their delta each time `/metrics` is scraped.
public final class ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let model: [(String, String)]

    private let running, waiting, kvUsage, usedBlocks, totalBlocks: CoreMetrics.Meter
    private let ttft, tpot, e2e: CoreMetrics.Timer
    private let promptTokens, generationTokens: CoreMetrics.Counter
    private let mirrored: [(CoreMetrics.Counter, any KeyPath<EngineStats, Int> & Sendable)]
    private let lastMirrored: Mutex<[Int]>

    public init(modelName: String) {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // vLLM's buckets for latencies, in seconds.
        let latency: [Double] = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
                                 20, 40, 80, 160, 640, 2560]
        let tokenGaps: [Double] = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80]
        factory.durationHistogramBuckets = [
            "vllm:time_to_first_token_seconds": latency.map(Self.duration),
            "vllm:time_per_output_token_seconds": tokenGaps.map(Self.duration),
            "vllm:e2e_request_latency_seconds": latency.map(Self.duration),
        ]
        self.factory = factory
        let model = [("model_name", modelName)]
        self.model = model
        func meter(_ label: String) -> CoreMetrics.Meter { CoreMetrics.Meter(label: label, dimensions: model, factory: factory) }
        func counter(_ label: String) -> CoreMetrics.Counter { CoreMetrics.Counter(label: label, dimensions: model, factory: factory) }
        func timer(_ label: String) -> CoreMetrics.Timer { CoreMetrics.Timer(label: label, dimensions: model, factory: factory) }
        running = meter("vllm:num_requests_running")
        waiting = meter("vllm:num_requests_waiting")
        kvUsage = meter("vllm:kv_cache_usage_perc")
        usedBlocks = meter("asymcache:kv_used_blocks")
        totalBlocks = meter("asymcache:kv_total_blocks")
        ttft = timer("vllm:time_to_first_token_seconds")
        tpot = timer("vllm:time_per_output_token_seconds")
        e2e = timer("vllm:e2e_request_latency_seconds")
        promptTokens = counter("vllm:prompt_tokens_total")
        generationTokens = counter("vllm:generation_tokens_total")
        mirrored = [
            // Prompt tokens looked up in the cache at admission, and those found there.
            (counter("vllm:prefix_cache_queries_total"), \.prefixQueryTokens),
            (counter("vllm:prefix_cache_hits_total"), \.kv.hitTokens),
            (counter("vllm:num_preemptions_total"), \.preemptions),
            (counter("asymcache:hole_tokens_recomputed_total"), \.kv.holeTokens),
            (counter("asymcache:suffix_tokens_computed_total"), \.kv.suffixTokens),
            (counter("asymcache:kv_evictions_total"), \.kv.evictions),
            (counter("asymcache:engine_iterations_total"), \.iterations),
        ]
        lastMirrored = Mutex([Int](repeating: 0, count: mirrored.count))
        for reason in ["stop", "length", "abort", "error"] { _ = successCounter(reason) }
    }

    private static func duration(_ seconds: Double) -> Duration { .nanoseconds(Int64(seconds * 1e9)) }

    private func successCounter(_ reason: String) -> CoreMetrics.Counter {
        CoreMetrics.Counter(label: "vllm:request_success_total", dimensions: model + [("finished_reason", reason)], factory: factory)
    }

    /// Records a finished request: its outcome, token counts and latencies.
    func recordFinished(_ summary: GenerationSummary) {
        successCounter(openAIFinishReason(summary.finishReason)).increment()
        promptTokens.increment(by: summary.promptTokenCount)
        generationTokens.increment(by: summary.outputTokens.count)
        if let t = summary.timeToFirstToken { ttft.recordSeconds(t) }
        for (earlier, later) in zip(summary.tokenTimes, summary.tokenTimes.dropFirst()) {
            tpot.recordSeconds(later - earlier)
        }
        e2e.recordSeconds(summary.endToEndLatency)
    }

    /// Counts an error answer by HTTP status (`asymcache:request_errors_total{code=...}`).
    func recordError(status: Int) {
        CoreMetrics.Counter(label: "asymcache:request_errors_total", dimensions: model + [("code", String(status))], factory: factory)
            .increment()
    }

    /// Copies the engine's current state into the gauges and mirrored counters.
    func update(from stats: EngineStats) {
        running.set(Double(stats.runningCount))
        waiting.set(Double(stats.waitingCount))
        usedBlocks.set(Double(stats.usedBlocks))
        totalBlocks.set(Double(stats.totalBlocks))
        kvUsage.set(stats.totalBlocks > 0 ? Double(stats.usedBlocks) / Double(stats.totalBlocks) : 0)
        lastMirrored.withLock { last in
            for (i, (counter, read)) in mirrored.enumerated() {
                let value = stats[keyPath: read]
                if value > last[i] { counter.increment(by: value - last[i]) }
                last[i] = max(last[i], value)
            }
        }
    }

    /// The Prometheus text exposition of every metric.
    public func exposition(after stats: EngineStats) -> String {
        update(from: stats)
        return registry.emitToString()
    }
}

extension EngineStats {
    /// Prompt tokens looked up in the cache: found, rebuilt in holes, or computed as suffix.
    var prefixQueryTokens: Int { kv.hitTokens + kv.holeTokens + kv.suffixTokens }
}
