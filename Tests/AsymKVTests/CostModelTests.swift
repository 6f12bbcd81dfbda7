import AsymCore
import AsymCost
import Foundation
import Testing

@Suite("CostModel")
struct CostModelTests {
    @Test func fitRecoversExactCoefficients() throws {
        let truth = CostModel(coefficients: .init(constant: 3, perPrefix: 2e-4, perToken: 0.02, perAttended: 1e-6,
                                                  perSmallPassToken: 0.01, perDecodeContext: 3e-6, perLargePassToken: 0.004,
                                                  perDecodeToken: 0.03))
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
        #expect(abs(fitted.coefficients.perLargePassToken - 0.004) < 1e-9)
        #expect(abs(fitted.coefficients.perDecodeToken - 0.03) < 1e-9)
        #expect(fitted.meanRelativeError(on: CostProfile(device: "", model: "", prefill: prefill, decode: decode)) < 1e-9)
    }

    @Test func sharedContextRowsSeparateMemoryFromAttentionWork() throws {
        let truth = CostModel(coefficients: .init(constant: 0.1, perPrefix: 1e-4, perToken: 0.05, perAttended: 2e-5,
                                                  perDecodeContext: 1e-4, perDecodeToken: 0.06, perDecodeDistinctKey: 2e-4))
        let prefill = [0, 512].flatMap { p in
            [16, 128, 512].map { c in CostProfile.PrefillRow(P: p, C: c, ms: truth.passTime(segments: [p..<(p + c)])) }
        }
        var decode: [CostProfile.DecodeRow] = []
        for p in [128, 512, 1024] {
            for b in [1, 8, 32] {
                let own = truth.passTime(segments: [], decodeContexts: Array(repeating: p, count: b))
                decode.append(.init(P: p, B: b, ms: own))
                // B decodes over one shared context: every context token after the first decode's is shared.
                let shared = truth.passTime(segments: [], decodeContexts: Array(repeating: p, count: b), sharedDecodeContext: (b - 1) * p)
                if b > 1 { decode.append(.init(P: p, B: b, ms: shared, distinctContext: p)) }
            }
        }
        let fitted = try CostModel(fitting: CostProfile(device: "t", model: "t", prefill: prefill, decode: decode))
        #expect(abs(fitted.coefficients.perDecodeDistinctKey - 2e-4) < 1e-9)
        #expect(abs(fitted.coefficients.perDecodeContext - 1e-4) < 1e-9)
        // Without the shared rows the two are not identifiable: the distinct-key price stays 0.
        let ownOnly = try CostModel(fitting: CostProfile(device: "t", model: "t", prefill: prefill,
                                                         decode: decode.filter { $0.distinctContext == nil }))
        #expect(ownOnly.coefficients.perDecodeDistinctKey == 0)
    }

    @Test func uncachedKeyKneeIsFitted() throws {
        // Distinct decode context beyond 4,096 tokens costs 1e-4 ms more per token (DRAM, not cache).
        let truth = CostModel(coefficients: .init(constant: 0.1, perPrefix: 1e-4, perToken: 0.05, perAttended: 2e-5,
                                                  perDecodeContext: 1e-4, perDecodeToken: 0.06, perDecodeDistinctKey: 5e-5,
                                                  perDecodeUncachedKey: 1e-4, decodeCachedKeys: 4096))
        let prefill = [0, 512].flatMap { p in
            [16, 128, 512].map { c in CostProfile.PrefillRow(P: p, C: c, ms: truth.passTime(segments: [p..<(p + c)])) }
        }
        var decode: [CostProfile.DecodeRow] = []
        for p in [128, 512, 1024, 2048] {
            for b in [1, 8, 32] {
                decode.append(.init(P: p, B: b, ms: truth.passTime(segments: [], decodeContexts: Array(repeating: p, count: b))))
                if b > 1 {
                    let ms = truth.passTime(segments: [], decodeContexts: Array(repeating: p, count: b), sharedDecodeContext: (b - 1) * p)
                    decode.append(.init(P: p, B: b, ms: ms, distinctContext: p))
                }
            }
        }
        let fitted = try CostModel(fitting: CostProfile(device: "t", model: "t", prefill: prefill, decode: decode))
        #expect(fitted.coefficients.decodeCachedKeys == 4096)
        #expect(abs(fitted.coefficients.perDecodeUncachedKey - 1e-4) < 1e-9)
        #expect(abs(fitted.coefficients.perDecodeDistinctKey - 5e-5) < 1e-9)
    }

    @Test func sharedContextCounterCountsBlocksReadTwiceInAPass() {
        var counter = SharedContextCounter(blockCount: 10)
        counter.startPass()
        let system = [BlockID(0), BlockID(1)]
        #expect(counter.count(system + [BlockID(2), BlockID(3)], contextLength: 60, blockSize: 16) == 0)
        // Same first two blocks, then its own; position 40: full blocks 0 and 1 only.
        #expect(counter.count(system + [BlockID(4), BlockID(5)], contextLength: 40, blockSize: 16) == 32)
        #expect(counter.count([BlockID(2), BlockID(6)], contextLength: 20, blockSize: 16) == 16)
        counter.startPass()
        #expect(counter.count(system, contextLength: 32, blockSize: 16) == 0)
    }

    @Test func largePassHingeIsZeroWithoutLargeRows() throws {
        // No pass beyond the knee in the profile: the hinge cannot be fitted and stays 0.
        let truth = CostModel(coefficients: .init(constant: 1, perPrefix: 1e-4, perToken: 0.01, perAttended: 1e-6))
        let prefill = [0, 256, 1024].flatMap { p in
            [16, 128, 512].map { c in CostProfile.PrefillRow(P: p, C: c, ms: truth.passTime(segments: [p..<(p + c)])) }
        }
        let fitted = try CostModel(fitting: CostProfile(device: "test", model: "test", prefill: prefill, decode: []))
        #expect(fitted.coefficients.perLargePassToken == 0)
        #expect(abs(fitted.coefficients.perToken - 0.01) < 1e-9)
        // No decode rows either: a decode token is priced as a prefill token.
        #expect(fitted.coefficients.perDecodeToken == fitted.coefficients.perToken)
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

@Test func fittedCoefficientsAreNeverNegative() throws {
    // Times that fall slightly with P at fixed C (noise): a free fit would price P negatively.
    func prefillMs(_ p: Int, _ c: Int) -> Double {
        let (pd, cd) = (Double(p), Double(c))
        return 1 + 0.05 * cd - 1e-4 * pd + 1e-6 * cd * cd
    }
    func decodeMs(_ p: Int, _ b: Int) -> Double {
        let (pd, bd) = (Double(p), Double(b))
        return 1 + 0.05 * bd + 1e-4 * bd * pd
    }
    var prefill: [CostProfile.PrefillRow] = []
    for p in [0, 512, 1024] { for c in [16, 128, 512] { prefill.append(.init(P: p, C: c, ms: prefillMs(p, c))) } }
    var decode: [CostProfile.DecodeRow] = []
    for p in [128, 1024] { for b in [1, 8] { decode.append(.init(P: p, B: b, ms: decodeMs(p, b))) } }
    let model = try CostModel(fitting: CostProfile(device: "", model: "", prefill: prefill, decode: decode))
    let c = model.coefficients
    for value in [c.constant, c.perPrefix, c.perToken, c.perAttended, c.perSmallPassToken, c.perDecodeContext] {
        #expect(value >= 0)
    }
    #expect(c.perPrefix == 0 && c.perToken > 0.04)
}
