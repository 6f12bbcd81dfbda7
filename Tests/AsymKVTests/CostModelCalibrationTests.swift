import AsymCost
import Foundation
import Testing

@Suite("Cost model: lone decodes and step overhead")
struct CostModelCalibrationTests {
    /// A model with a lone-decode correction.
    static let truth = CostModel(coefficients: .init(constant: 0.1, perPrefix: 1e-4, perToken: 0.05, perAttended: 2e-5,
                                                     perSmallPassToken: 0.004, perDecodeContext: 1e-4, perDecodeToken: 0.06,
                                                     perLoneDecode: 0.04, perLoneDecodeContext: -1e-5))

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
        #expect(abs(fitted.coefficients.perLoneDecode - 0.04) < 1e-9)
        #expect(abs(fitted.coefficients.perLoneDecodeContext + 1e-5) < 1e-11)
        #expect(abs(fitted.coefficients.perDecodeToken - 0.06) < 1e-9)
        // Only a pass that is one decode and nothing else pays it.
        let lone = fitted.passTime(segments: [], decodeContexts: [512])
        let withChunk = fitted.passTime(segments: [0 ..< 16], decodeContexts: [512])
        #expect(abs(lone - (0.1 + 0.004 + 0.06 + 512 * 1e-4 + 0.04 - 512 * 1e-5)) < 1e-12)
        #expect(abs(withChunk - (0.1 + 0.004 * 17 + 0.06 + 512 * 1e-4 + 16 * 0.05 + 256 * 2e-5)) < 1e-12)
        // Two single-decode rows cannot place a line plus the general prices: the correction stays 0.
        let sparse = decode.filter { $0.B != 1 || $0.P != 1024 }
        let without = try CostModel(fitting: CostProfile(device: "t", model: "t", prefill: prefill, decode: sparse))
        #expect(without.coefficients.perLoneDecode == 0 && without.coefficients.perLoneDecodeContext == 0)
    }

    @Test func stepOverheadFitDrawsTheLineAndClampsNoise() throws {
        let exact = try #require(StepOverhead.fit([(1, 0.005), (4, 0.011), (16, 0.035), (32, 0.067)]))
        #expect(abs(exact.fixedMs - 0.003) < 1e-12 && abs(exact.perSequenceMs - 0.002) < 1e-12)
        // Falling with more sequences is noise: no per-sequence price, the mean as the fixed one.
        let falling = try #require(StepOverhead.fit([(1, 0.02), (8, 0.01)]))
        #expect(falling.perSequenceMs == 0 && abs(falling.fixedMs - 0.015) < 1e-15)
        // A line through a negative intercept becomes a pure per-sequence price.
        let steep = try #require(StepOverhead.fit([(2, 0.001), (4, 0.005)]))
        #expect(steep.fixedMs == 0 && abs(steep.perSequenceMs - 0.001) < 1e-15)
        #expect(StepOverhead.fit([(4, 0.01), (4, 0.02)]) == nil)
        #expect(abs(exact.ms(sequences: 10) - 0.023) < 1e-12)
    }

    @Test func profilesWithoutStepOverheadStillLoad() throws {
        let old = #"{"format":"asymcache-profile-v1","device":"d","model":"m","prefill":[{"P":0,"C":16,"ms":1}],"decode":[]}"#
        let profile = try CostProfile.decode(from: Data(old.utf8))
        #expect(profile.step == nil)
        var measured = profile
        measured.step = StepOverhead(fixedMs: 0.001, perSequenceMs: 0.0035)
        #expect(try CostProfile.decode(from: measured.encoded()) == measured)
    }
}
