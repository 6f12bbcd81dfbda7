import AsymCore
import AsymEngine

/// One finished call. Times are seconds on the run's clock; latencies count from the call's
/// scheduled arrival, so time a request waits for the current pass to end is included.
public struct CallRecord: Sendable, Codable, Equatable {
    public var jobID: Int
    public var callIndex: Int
    public var arrival: Double
    public var promptTokenCount: Int
    public var outputTokens: [TokenID]
    public var finishReason: String
    public var timeToFirstToken: Double?
    public var timePerOutputToken: Double?
    public var endToEndLatency: Double
    public var cachedTokenCount: Int
    public var holeTokenCount: Int
    public var suffixTokenCount: Int
    public var preemptionCount: Int
}

/// One finished job: from its first call's arrival to its last call's end (tool and think
/// pauses included, as in Continuum's job completion time).
public struct JobRecord: Sendable, Codable, Equatable {
    public var jobID: Int
    public var start: Double
    public var end: Double
    public var latency: Double { end - start }
}

/// What one run of a workload on one engine produced.
public struct DriverOutcome: Sendable {
    public var calls: [CallRecord]
    public var jobs: [JobRecord]
    /// Calls the engine refused or that could not start, with the reason.
    public var failures: [String]
    /// Clock time from start to the last event.
    public var makespan: Double
}

/// Feeds an `EngineCore` from a workload: calls arrive at their times (scheduled, or after the
/// previous call of their job plus its think or tool time; closed-loop users start their next job
/// when one ends), the engine steps while it has work, and the clock skips idle gaps.
/// Generation is greedy with `ignoreEOS`, so each call's output length is its `maxTokens`.
public final class BenchDriver {
    private struct Arrival {
        var time: Double
        var job: Int
        var call: Int
    }

    public let engine: EngineCore
    public let clock: any BenchClock
    public let workload: Workload
    /// Pin time-to-live set on every call that a tool pause follows (the `+ttl` variants).
    public let pinTTL: Double?
    private var histories: [[TokenID]]
    private var pending: [Arrival] = []  // ascending time
    private var records: [CallRecord] = []
    private var jobRecords: [JobRecord] = []
    private var jobStarts: [Double?]
    private var failures: [String] = []
    private var nextClosedLoopJob = 0

    public init(engine: EngineCore, clock: any BenchClock, workload: Workload, pinTTL: Double? = nil) {
        self.engine = engine
        self.clock = clock
        self.workload = workload
        self.pinTTL = pinTTL
        histories = Array(repeating: [], count: workload.jobs.count)
        jobStarts = Array(repeating: nil, count: workload.jobs.count)
    }

    /// Runs every job to its end. `progress(finishedCalls)` is called after each call ends.
    public func run(progress: (Int) -> Void = { _ in }) -> DriverOutcome {
        switch workload.arrivals {
        case .scheduled:
            for (j, job) in workload.jobs.enumerated() where !job.calls.isEmpty {
                enqueue(Arrival(time: job.startTime + job.calls[0].delay, job: j, call: 0))
            }
        case .closedLoop(let users):
            for _ in 0 ..< users { startNextClosedLoopJob(at: 0) }
        }
        var reported = 0
        var idleSteps = 0
        while true {
            let now = clock.now()
            while let first = pending.first, first.time <= now {
                pending.removeFirst()
                submit(first)
            }
            if engine.hasWork {
                if engine.step() { idleSteps = 0 } else { idleSteps += 1 }
                if idleSteps > 10_000 {
                    failures.append("the engine stalled with \(engine.stats.waitingCount) waiting requests")
                    break
                }
            } else if let next = pending.first {
                clock.idle(until: next.time)
            } else {
                break
            }
            if records.count != reported { reported = records.count; progress(reported) }
        }
        return DriverOutcome(calls: records, jobs: jobRecords, failures: failures, makespan: clock.now())
    }

    private func enqueue(_ a: Arrival) {
        var lo = 0, hi = pending.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if pending[mid].time <= a.time { lo = mid + 1 } else { hi = mid }
        }
        pending.insert(a, at: lo)
    }

    private func startNextClosedLoopJob(at time: Double) {
        while nextClosedLoopJob < workload.jobs.count {
            let j = nextClosedLoopJob
            nextClosedLoopJob += 1
            if let first = workload.jobs[j].calls.first {
                enqueue(Arrival(time: time + first.delay, job: j, call: 0))
                return
            }
        }
    }

    private func submit(_ a: Arrival) {
        let job = workload.jobs[a.job]
        let call = job.calls[a.call]
        if a.call == 0 { jobStarts[a.job] = a.time }
        let prompt = histories[a.job] + call.newTokens
        let followedByTool = workload.pinTTL != nil && a.call + 1 < job.calls.count
        let request = GenerationRequest(
            prompt: .tokens(prompt),
            sampling: SamplingParams(temperature: 0, maxTokens: call.maxTokens, ignoreEOS: true),
            sessionID: "job-\(job.id)", pinTTL: followedByTool ? pinTTL : nil)
        do {
            try engine.add(request) { [weak self] event in
                guard case .finished(let summary) = event else { return }
                self?.finished(a, prompt: prompt, summary: summary)
            }
        } catch {
            failures.append("job \(job.id) call \(a.call): \(error)")
            endJob(a.job, at: clock.now())
        }
    }

    private func finished(_ a: Arrival, prompt: [TokenID], summary: GenerationSummary) {
        records.append(CallRecord(
            jobID: workload.jobs[a.job].id, callIndex: a.call, arrival: a.time, promptTokenCount: prompt.count,
            outputTokens: summary.outputTokens, finishReason: summary.finishReason.rawValue,
            timeToFirstToken: summary.firstTokenTime.map { $0 - a.time },
            timePerOutputToken: summary.timePerOutputToken, endToEndLatency: summary.finishTime - a.time,
            cachedTokenCount: summary.cachedTokenCount, holeTokenCount: summary.holeTokenCount,
            suffixTokenCount: summary.suffixTokenCount, preemptionCount: summary.preemptionCount))
        let job = workload.jobs[a.job]
        guard summary.finishReason == .length, a.call + 1 < job.calls.count else {
            endJob(a.job, at: summary.finishTime)
            return
        }
        histories[a.job] = prompt + summary.outputTokens
        enqueue(Arrival(time: summary.finishTime + job.calls[a.call + 1].delay, job: a.job, call: a.call + 1))
    }

    private func endJob(_ j: Int, at time: Double) {
        histories[j] = []
        if let start = jobStarts[j] { jobRecords.append(JobRecord(jobID: workload.jobs[j].id, start: start, end: time)) }
        if case .closedLoop = workload.arrivals { startNextClosedLoopJob(at: time) }
    }
}
