import AsymCost
import Foundation
import Testing

@Suite("CostModel")
struct CostModelTests {
    @Test func fitRecoversExactCoefficients() throws {
        let truth = CostModel(coefficients: .init(constant: 3, perPrefix: 2e-4, perToken: 0.02, perAttended: 1e-6,
                                                  perSmallPassToken: 0.01, perDecodeContext: 3e-6))
        let prefill = [0, 1024, 8192, 32768].flatMap { p in
            [16, 256, 4096].map { c in CostProfile.PrefillRow(P: p, C: c, ms: truth.passTime(segments: [p..<(p + c)])) }
        }
        let decode = [2048, 32768].flatMap { p in
            [1, 8, 128].map { b in CostProfile.DecodeRow(P: p, B: b, ms: truth.passTime(segments: [], decodeContexts: Array(repeating: p, count: b))) }
        }
        let fitted = try CostModel(fitting: CostProfile(device: "test", model: "test", prefill: prefill, decode: decode))
        #expect(abs(fitted.coefficients.perAttended - 1e-6) < 1e-9)
        #expect(abs(fitted.coefficients.constant - 3) < 1e-6)
        #expect(abs(fitted.coefficients.perDecodeContext - 3e-6) < 1e-9)
        #expect(fitted.meanRelativeError(on: CostProfile(device: "", model: "", prefill: prefill, decode: decode)) < 1e-9)
    }

    @Test func shippedH100ProfileFitsWithinFifteenPercent() throws {
        let profile = try CostProfile.h100Llama3_8B()
        #expect(profile.prefill.count == 25 && profile.decode.count == 6)
        let model = try CostModel(fitting: profile)
        let error = model.meanRelativeError(on: profile)
        #expect(error < 0.15, "mean relative error \(error)")
        // Rebuilding 1,024 tokens costs more deep in a context (measured 34, 82, 135 ms).
        let t0 = model.passTime(segments: [0..<1024])
        let t64 = model.passTime(segments: [65536..<66560])
        #expect(t0 > 25 && t0 < 45 && t64 > 110 && t64 < 160, "\(t0) \(t64)")
    }

    @Test func oneLongHoleIsCheaperThanTheSameTokensSplit() throws {
        let model = try CostModel.h100Llama3_8B()
        let merged = model.rebuildTime([32768..<33024])
        let split = model.rebuildTime((0..<16).map { 32768 + 16 * $0 ..< 32768 + 16 * ($0 + 1) })
        #expect(merged < split)
    }

    @Test func ownProfileFormatRoundTrips() throws {
        let profile = CostProfile(device: "cpu", model: "kjv", prefill: [.init(P: 0, C: 16, ms: 1.5)], decode: [.init(P: 16, B: 1, ms: 0.5)])
        let decoded = try CostProfile.decode(from: profile.encoded())
        #expect(decoded == profile)
        #expect(String(decoding: try profile.encoded(), as: UTF8.self).contains("\"asymcache-profile-v1\""))
        #expect(throws: CostModelError.self) { try CostModel(fitting: profile) }
    }
}
