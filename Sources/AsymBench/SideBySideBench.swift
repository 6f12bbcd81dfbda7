import AsymEngine
import AsymKV
import AsymScheduler
import Foundation

/// Runs one workload under each policy variant, one after another, each on a fresh engine over
/// the same model and the same KV memory, then checks that all outputs are identical.
/// `makeEngine` builds the engine and its clock (a wall clock for the real bench, a virtual one
/// for a simulator), so this type knows neither.
public struct SideBySideBench {
    public var workload: Workload
    public var variants: [PolicyVariant]
    public var makeEngine: (PolicyVariant) throws -> (engine: EngineCore, clock: any BenchClock)

    public init(workload: Workload, variants: [PolicyVariant],
                makeEngine: @escaping (PolicyVariant) throws -> (engine: EngineCore, clock: any BenchClock)) {
        self.workload = workload
        self.variants = variants
        self.makeEngine = makeEngine
    }

    /// `progress(variantIndex, finishedCalls)` after every finished call.
    public func run(progress: (Int, Int) -> Void = { _, _ in }) throws -> (results: [VariantResult], lossless: LosslessCheck) {
        var results: [VariantResult] = []
        var outputs: [(name: String, calls: [CallRecord])] = []
        for (i, variant) in variants.enumerated() {
            let (engine, clock) = try makeEngine(variant)
            let ttl = variant.pinsDuringToolPauses ? workload.pinTTL : nil
            let driver = BenchDriver(engine: engine, clock: clock, workload: workload, pinTTL: ttl)
            clock.start()
            let wallStart = Date()
            let outcome = driver.run { progress(i, $0) }
            let wall = Date().timeIntervalSince(wallStart)
            engine.refreshStats()
            var budget = variant.budget.description
            if case .adaptive = variant.budget { budget = String(format: "adaptive:%.0f/%.0fms", engine.scheduler.targetMs, engine.scheduler.idleTargetMs) }
            results.append(VariantResult(
                name: variant.name, budget: budget, outcome: outcome,
                evictions: engine.stats.kv.evictions, preemptions: engine.stats.preemptions,
                iterations: engine.stats.iterations, wallSeconds: wall, skippedSeconds: clock.skippedSeconds,
                executeSeconds: engine.stats.executeSeconds, predictedExecuteSeconds: engine.stats.predictedExecuteSeconds,
                decodeOnlyExecuteSeconds: engine.stats.decodeOnlyExecuteSeconds,
                decodeOnlyPredictedSeconds: engine.stats.decodeOnlyPredictedSeconds))
            results[results.count - 1].stepOverheadSeconds = engine.stats.scheduleSeconds + engine.stats.sampleSeconds
            outputs.append((variant.name, outcome.calls))
        }
        return (results, LosslessCheck(outputs))
    }
}

/// One baseline against the asym variant with the same pinning: the ratio of their means
/// (above 1: asym is lower, i.e. faster).
public struct Ratio: Sendable, Codable, Equatable {
    public var variant: String
    public var reference: String
    public var timeToFirstToken: Double?
    public var timePerOutputToken: Double?
    public var endToEndLatency: Double?
    public var jobLatency: Double?

    /// Ratios of every baseline at its default budget to `asym` (or to `asym+ttl` for `+ttl`
    /// variants, when run). Asym variants and `@budget` ablations get none; a baseline given the
    /// cost-aware admission order (`lru-prefix+spf`) gets one, to show what the order alone does.
    public static func all(_ results: [VariantResult]) -> [Ratio] {
        let byName = Dictionary(results.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        return results.compactMap { r in
            guard !r.name.hasPrefix("asym"), !r.name.contains("@") else { return nil }
            let refName = r.name.contains("+ttl") && byName["asym+ttl"] != nil ? "asym+ttl" : "asym"
            guard let ref = byName[refName] else { return nil }
            func ratio(_ a: LatencyStats?, _ b: LatencyStats?) -> Double? {
                guard let a, let b, b.mean > 0 else { return nil }
                return a.mean / b.mean
            }
            return Ratio(variant: r.name, reference: refName,
                         timeToFirstToken: ratio(r.timeToFirstToken, ref.timeToFirstToken),
                         timePerOutputToken: ratio(r.timePerOutputToken, ref.timePerOutputToken),
                         endToEndLatency: ratio(r.endToEndLatency, ref.endToEndLatency),
                         jobLatency: ratio(r.jobLatency, ref.jobLatency))
        }
    }
}
