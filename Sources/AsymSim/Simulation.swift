import AsymBench
import AsymCost
import AsymEngine
import AsymKV
import AsymScheduler
import Foundation

/// Where the simulated KV memory comes from.
public enum KVCapacity: Sendable, Equatable {
    /// Exactly this many tokens.
    case tokens(Int)
    /// GPU memory in bytes minus the shape's weights, divided by its KV bytes per token.
    case gpuMemory(bytes: Int)
    /// The bench default: `BenchConfiguration.kvFraction` of the workload's working set.
    case workingSetFraction
}

/// A side-by-side run of policies in which the engine's own `EngineCore`, `Scheduler` and
/// `KVCacheManager` run on a `VirtualClock`, with a `SimulatedExecutor` pricing each pass by
/// `costModel`. Workloads, driver, metrics and reports are the bench's (`AsymBench`).
public struct Simulation {
    public var configuration: BenchConfiguration
    public var shape: ModelShape
    public var costModel: CostModel
    public var capacity: KVCapacity
    public var blockSize = 16
    /// Relative standard deviation of simulated pass times (`SimulatedExecutor.jitter`); 0: exact.
    public var jitter = 0.0
    /// Seeds the jitter: runs with the same seed are identical; every variant of a run draws the same
    /// sequence (common random numbers, so variants differ by policy, not by luck).
    public var jitterSeed: UInt64 = 0
    /// How much slower than `costModel` the host ran for a variant, by variant name (a measured
    /// run's `passSlowdown`): that variant's passes are priced by `costModel.scaled(by:)`, while its
    /// scheduler keeps `costModel`, as the measured engine's did. Absent: the profile's speed.
    public var hostSlowdown: [String: HostSlowdown] = [:]
    public var maxRunningSequences = 256
    public var maxWaitingRequests = 4096

    public init(configuration: BenchConfiguration, shape: ModelShape, costModel: CostModel, capacity: KVCapacity) {
        self.configuration = configuration
        self.shape = shape
        self.costModel = costModel
        self.capacity = capacity
    }

    /// The bench's workload, generated for the shape's context limit and vocabulary.
    public func makeWorkload() throws -> Workload {
        try configuration.makeWorkload(contextLimit: shape.contextLimit, vocabularySize: shape.vocabularySize)
    }

    /// KV memory in tokens for `workload`.
    public func kvTokens(for workload: Workload) throws -> Int {
        switch capacity {
        case .tokens(let n): return n
        case .gpuMemory(let bytes):
            guard let n = shape.kvCapacityTokens(gpuMemoryBytes: bytes) else {
                throw SimulationError.weightsDoNotFit(weightBytes: shape.weightBytes, gpuBytes: bytes)
            }
            return n
        case .workingSetFraction: return configuration.kvTokens(for: workload, blockSize: blockSize)
        }
    }

    /// A fresh engine over `kvTokens` (rounded up to blocks) on its own virtual clock.
    public func makeEngine(_ variant: PolicyVariant, kvTokens: Int) -> (engine: EngineCore, clock: VirtualClock) {
        let clock = VirtualClock()
        let blocks = max(1, (kvTokens + blockSize - 1) / blockSize)
        let pricing = hostSlowdown[variant.name].map { costModel.scaled(by: $0) } ?? costModel
        let executor = SimulatedExecutor(blockCount: blocks, blockSize: blockSize, costModel: pricing, clock: clock,
                                         jitter: jitter, seed: jitterSeed)
        let config = EngineConfig(
            policy: variant.policy,
            scheduler: SchedulerConfig(budget: variant.budget, maxRunningSequences: maxRunningSequences,
                                       maxWaitingRequests: maxWaitingRequests, admissionOrder: variant.admissionOrder),
            contextLimit: shape.contextLimit)
        let engine = EngineCore(executor: executor, tokenizer: nil, eosTokenIDs: [], costModel: costModel, config: config,
                                clock: clock.now)
        return (engine, clock)
    }

    /// Runs every variant on `workload`; `machine` names the cost profile. `progress(variant, calls)`.
    public func run(_ workload: Workload, machine: String, progress: (Int, Int) -> Void = { _, _ in }) throws -> BenchReport {
        let start = Date()
        let kv = try kvTokens(for: workload)
        let bench = SideBySideBench(workload: workload, variants: try configuration.variants()) { variant in
            let (engine, clock) = makeEngine(variant, kvTokens: kv)
            return (engine, clock)
        }
        let (results, lossless) = try bench.run(progress: progress)
        return BenchReport(model: "\(shape.name) (SIMULATED: no model computed)", machine: "simulated, cost profile \(machine)",
                           workload: workload, kvCacheTokens: kv, workingSetTokens: workload.workingSetTokens(blockSize: blockSize),
                           variants: results, lossless: lossless, wallSeconds: Date().timeIntervalSince(start))
    }
}

extension Simulation {
    /// `count` runs of `workload` with jitter seeds 1…count: a closed loop near saturation is chaotic
    /// (a 0.5% change of every price moved agents' simulated mean TTFT by 6–11%: measured), so one
    /// run is one sample and the mean over replicas is the prediction.
    /// `progress(done)` after each replica.
    public func replicas(_ count: Int, of workload: Workload, machine: String,
                         progress: (Int) -> Void = { _ in }) throws -> [BenchReport] {
        precondition(count > 0)
        return try (1 ... count).map { i in
            var replica = self
            replica.jitterSeed = UInt64(i)
            defer { progress(i) }
            return try replica.run(workload, machine: machine)
        }
    }
}

public enum SimulationError: Error, Equatable, CustomStringConvertible {
    case weightsDoNotFit(weightBytes: Int, gpuBytes: Int)

    public var description: String {
        switch self {
        case .weightsDoNotFit(let w, let g):
            String(format: "the weights (%.1f GB) do not fit in %.1f GB of GPU memory", Double(w) / 1e9, Double(g) / 1e9)
        }
    }
}
