import AsymCore

/// One LLM call of a job. Its prompt is the job's history (the previous call's prompt and output)
/// followed by `newTokens`; the first call's prompt is `newTokens` alone.
public struct BenchCall: Sendable, Equatable {
    public var newTokens: [TokenID]
    /// Output length: generation ignores EOS and stops here, so lengths never depend on the policy.
    public var maxTokens: Int
    /// Seconds from the previous call's end (or from the job's start) to this call's arrival: a
    /// user's think time or an agent's tool time.
    public var delay: Double

    public init(newTokens: [TokenID], maxTokens: Int, delay: Double) {
        self.newTokens = newTokens
        self.maxTokens = maxTokens
        self.delay = delay
    }
}

/// A conversation, an agent job or a single request: calls run one after another.
public struct BenchJob: Sendable, Equatable {
    public var id: Int
    /// Start time in seconds from the beginning of the run (used with `.scheduled` arrivals).
    public var startTime: Double
    public var calls: [BenchCall]

    public init(id: Int, startTime: Double, calls: [BenchCall]) {
        self.id = id
        self.startTime = startTime
        self.calls = calls
    }

    /// Prompt length of the last call plus its output, if every output has its full length.
    public var finalContextLength: Int { calls.reduce(0) { $0 + $1.newTokens.count + $1.maxTokens } }
}

/// How jobs start.
public enum ArrivalProcess: Sendable, Equatable, CustomStringConvertible {
    /// Each job at its own `startTime` (Poisson arrivals or a trace's timestamps).
    case scheduled
    /// `users` jobs run at a time; a user starts its next job (in job order) when its last one ends.
    case closedLoop(users: Int)

    public var description: String {
        switch self {
        case .scheduled: "open loop (scheduled arrivals)"
        case .closedLoop(let u): "closed loop, \(u) users"
        }
    }
}

/// A generated workload: jobs, how they arrive, and what the generator was asked for.
public struct Workload: Sendable {
    public var name: String
    /// Human-readable parameters and their sources, one line each.
    public var parameters: [String]
    public var jobs: [BenchJob]
    public var arrivals: ArrivalProcess
    /// Agent workloads: the pause between calls is a tool call, so `+ttl` variants pin the job's
    /// KV for `pinTTL` seconds after each call that is followed by another.
    public var pinTTL: Double?

    public init(name: String, parameters: [String], jobs: [BenchJob], arrivals: ArrivalProcess, pinTTL: Double? = nil) {
        self.name = name
        self.parameters = parameters
        self.jobs = jobs
        self.arrivals = arrivals
        self.pinTTL = pinTTL
    }

    public var callCount: Int { jobs.reduce(0) { $0 + $1.calls.count } }

    /// Longest prompt plus output of any call: the KV memory one sequence may need.
    public var longestContext: Int { jobs.map(\.finalContextLength).max() ?? 0 }

    /// KV tokens an unbounded cache would hold at the end of the run: every job's final context,
    /// with identical leading blocks of first prompts (shared system prompts, documents, trace
    /// prefixes) counted once. Outputs are unique per job, so later calls share nothing across jobs.
    public func workingSetTokens(blockSize: Int = 16) -> Int {
        var seen = Set<UInt64>()  // chained FNV-1a of each leading block: a fixed, run-independent hash
        var total = 0
        for job in jobs {
            total += job.finalContextLength
            guard let first = job.calls.first?.newTokens else { continue }
            var chain: UInt64 = 0xCBF2_9CE4_8422_2325
            for block in 0 ..< first.count / blockSize {
                for t in first[block * blockSize ..< (block + 1) * blockSize] {
                    chain = (chain ^ UInt64(UInt32(bitPattern: t))) &* 0x0000_0100_0000_01B3
                }
                if !seen.insert(chain).inserted { total -= blockSize }
            }
        }
        return total
    }
}
