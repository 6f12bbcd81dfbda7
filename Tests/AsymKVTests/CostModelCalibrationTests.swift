import AsymCost
import Foundation
import Testing

@Suite("Cost model: lone decodes and step overhead")
struct CostModelCalibrationTests {
    /// A model with a lone-decode correction (a negative intercept, a positive slope).
    static let truth = CostModel(coefficients: .init(constant: 0.1, perPrefix: 1e-4, perToken: 0.05, perAttended: 2e-5,
                                                     perSmallPassToken: 0.004, perDecodeContext: 1e-4, perDecodeToken: 0.06,
                                                     perLoneDecode: -0.02, perLoneDecodeContext: 1e-5))

    @Test func loneDecodeCorrectionIsFittedAndSigned() throws {
        let prefill = [0, 512].flatMap { p in
            [16, 128, 512].map { c in CostProfile.PrefillRow(P: p, C: c, ms: Self.truth.passTime(segments: [p..<(p + c)])) }
        }
        let decode = [128, 512, 1024].flatMap { p in
            [1, 2, 8, 32].map { b in
                CostProfile.DecodeRow(P: p, B: b, ms: Self.truth.passTime(segments: [], decodeContexts: Array(repeating: p, count: b)))
            }
        }
        let fitted = try CostModel(fitting: CostProfile(device: "t", model: "t", prefill: prefill, decode: decode))
        #expect(abs(fitted.coefficients.perLoneDecode + 0.02) < 1e-9)
        #expect(abs(fitted.coefficients.perLoneDecodeContext - 1e-5) < 1e-11)
        #expect(abs(fitted.coefficients.perDecodeToken - 0.06) < 1e-9)
        // Only a pass that is one decode and nothing else pays it.
        let lone = fitted.passTime(segments: [], decodeContexts: [512])
        let withChunk = fitted.passTime(segments: [0 ..< 16], decodeContexts: [512])
        #expect(abs(lone - (0.1 + 0.004 + 0.06 + 512 * 1e-4 - 0.02 + 512 * 1e-5)) < 1e-12)
        #expect(abs(withChunk - (0.1 + 0.004 * 17 + 0.06 + 512 * 1e-4 + 16 * 0.05 + 256 * 2e-5)) < 1e-12)
        // Two single-decode rows cannot place a line plus the general prices: the correction stays 0.
        let sparse = decode.filter { $0.B != 1 || $0.P != 1024 }
        let without = try CostModel(fitting: CostProfile(device: "t", model: "t", prefill: prefill, decode: sparse))
        #expect(without.coefficients.perLoneDecode == 0 && without.coefficients.perLoneDecodeContext == 0)
        // Single decodes only: nothing tells the correction from the general decode prices, so it stays
        // out and the profile still fits.
        let singles = try CostModel(fitting: CostProfile(device: "t", model: "t", prefill: prefill, decode: decode.filter { $0.B == 1 }))
        #expect(singles.coefficients.perLoneDecode == 0 && singles.coefficients.perLoneDecodeContext == 0)
        // A slope that would fall with depth is noise: fixed at 0, so the correction never turns against deep decodes.
        let falling = CostModel(coefficients: .init(constant: 0.1, perPrefix: 1e-4, perToken: 0.05, perAttended: 2e-5,
                                                    perSmallPassToken: 0.004, perDecodeContext: 1e-4, perDecodeToken: 0.06,
                                                    perLoneDecode: 0.04, perLoneDecodeContext: -2e-5))
        let fallingRows = decode.map { r in
            CostProfile.DecodeRow(P: r.P, B: r.B, ms: falling.passTime(segments: [], decodeContexts: Array(repeating: r.P, count: r.B)))
        }
        let noFall = try CostModel(fitting: CostProfile(device: "t", model: "t", prefill: prefill, decode: fallingRows))
        #expect(noFall.coefficients.perLoneDecodeContext == 0 && noFall.coefficients.perLoneDecode > 0)
    }

    @Test func stepOverheadFitSeparatesSequencesFromContextAndClampsNoise() throws {
        // 3 µs + 2 µs per sequence + 0.04 µs per block, sampled as the profiler does.
        let truth = StepOverhead(fixedMs: 0.003, perSequenceMs: 0.002, perContextBlockMs: 0.00004)
        let shapes = [(1, 3), (4, 12), (16, 48), (32, 96), (1, 65), (4, 260), (8, 520)]
        let exact = try #require(StepOverhead.fit(shapes.map { ($0.0, $0.1, truth.ms(sequences: $0.0, contextBlocks: $0.1)) }))
        #expect(abs(exact.fixedMs - 0.003) < 1e-12 && abs(exact.perSequenceMs - 0.002) < 1e-12)
        #expect(abs(exact.perContextBlockMs - 0.00004) < 1e-14)
        // One context length: no per-block price, the line through the sequence counts.
        let short = try #require(StepOverhead.fit([(1, 3, 0.005), (4, 3, 0.011), (16, 3, 0.035)]))
        #expect(short.perContextBlockMs == 0 && abs(short.perSequenceMs - 0.002) < 1e-12)
        // Falling with more sequences is noise: no per-sequence price, the mean as the fixed one.
        let falling = try #require(StepOverhead.fit([(1, 3, 0.02), (8, 3, 0.01)]))
        #expect(falling.perSequenceMs == 0 && abs(falling.fixedMs - 0.015) < 1e-15)
        #expect(StepOverhead.fit([(4, 3, 0.01), (4, 9, 0.02)]) == nil)
        // Blocks proportional to sequences (one context length): the line through the sequences, no per-block price.
        let proportional = try #require(StepOverhead.fit([(1, 4, 0.005), (4, 16, 0.011), (16, 64, 0.035)]))
        #expect(proportional.perContextBlockMs == 0 && abs(proportional.perSequenceMs - 0.002) < 1e-12)
        #expect(abs(proportional.fixedMs - 0.003) < 1e-12)
    }

    @Test func profilesWithoutStepOverheadStillLoad() throws {
        let old = #"{"format":"asymcache-profile-v1","device":"d","model":"m","prefill":[{"P":0,"C":16,"ms":1}],"decode":[]}"#
        let profile = try CostProfile.decode(from: Data(old.utf8))
        #expect(profile.step == nil)
        var measured = profile
        measured.step = StepOverhead(fixedMs: 0.001, perSequenceMs: 0.0035, perContextBlockMs: 0.00004)
        #expect(try CostProfile.decode(from: measured.encoded()) == measured)
        // A step overhead written before the per-block price reads as 0 per block.
        let early = #"{"format":"asymcache-profile-v1","device":"d","model":"m","prefill":[],"decode":[],"step":{"fixedMs":0.001,"perSequenceMs":0.003}}"#
        #expect(try CostProfile.decode(from: Data(early.utf8)).step == StepOverhead(fixedMs: 0.001, perSequenceMs: 0.003))
    }
}
