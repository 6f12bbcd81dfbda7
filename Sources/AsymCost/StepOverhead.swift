/// Host time an engine step spends outside the forward pass: scheduling, the cache manager,
/// sampling and handing out tokens. The cost model prices only the pass; the simulator adds this
/// to every step, as the engine pays it. Measured by `asymcache profile` (`Profiler`).
///
/// Form: `fixedMs + perSequenceMs · S + perContextBlockMs · K` for a step over S sequences whose
/// block tables hold K blocks in all (the scheduler and the runner walk every table each step: one
/// measurement gave 3.4 µs per sequence at 32 tokens of context and 5.7 µs at 1,024). All are ≥ 0.
public struct StepOverhead: Codable, Equatable, Sendable {
    public var fixedMs: Double
    public var perSequenceMs: Double
    public var perContextBlockMs: Double

    public init(fixedMs: Double, perSequenceMs: Double, perContextBlockMs: Double = 0) {
        self.fixedMs = fixedMs
        self.perSequenceMs = perSequenceMs
        self.perContextBlockMs = perContextBlockMs
    }

    /// Profiles written before the per-block price have none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        fixedMs = try c.decode(Double.self, forKey: .fixedMs)
        perSequenceMs = try c.decode(Double.self, forKey: .perSequenceMs)
        perContextBlockMs = try c.decodeIfPresent(Double.self, forKey: .perContextBlockMs) ?? 0
    }

    /// Overhead of one step over `sequences` sequences with `contextBlocks` blocks in their tables, in ms.
    public func ms(sequences: Int, contextBlocks: Int = 0) -> Double {
        fixedMs + perSequenceMs * Double(sequences) + perContextBlockMs * Double(contextBlocks)
    }

    /// The least-squares fit to `samples` (sequences and table blocks in the step, overhead in ms),
    /// every price ≥ 0: a price that comes out negative is noise, fixed at 0 and the rest refitted.
    /// When the samples cannot tell blocks from sequences (every step's blocks proportional to its
    /// sequences, say one context length), the per-block price is fixed at 0. Nil with fewer than
    /// two distinct sequence counts.
    public static func fit(_ samples: [(sequences: Int, contextBlocks: Int, ms: Double)]) -> StepOverhead? {
        guard Set(samples.map(\.sequences)).count >= 2 else { return nil }
        let features = samples.map { [1, Double($0.sequences), Double($0.contextBlocks)] }
        var active = [0, 1, 2].filter { f in features.contains { $0[f] != 0 } }
        while !active.isEmpty {
            guard let solved = LeastSquares.solve(rows: features.map { r in active.map { r[$0] } }, targets: samples.map(\.ms),
                                                  weights: Array(repeating: 1, count: samples.count))
            else {
                guard active.contains(2) else { return nil }
                active.removeAll { $0 == 2 }
                continue
            }
            if let worst = solved.indices.min(by: { solved[$0] < solved[$1] }), solved[worst] < 0 {
                active.remove(at: worst)
                continue
            }
            var price = [0.0, 0, 0]
            for (j, f) in active.enumerated() { price[f] = solved[j] }
            return StepOverhead(fixedMs: price[0], perSequenceMs: price[1], perContextBlockMs: price[2])
        }
        return StepOverhead(fixedMs: 0, perSequenceMs: 0)
    }
}
