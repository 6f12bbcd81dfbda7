import AsymCost
import AsymEngine
import AsymTestSupport
import Foundation
import Testing

@Suite("Host speed probe and step overhead")
struct HostSpeedProbeTests {
    @Test func slowdownComparesEachKindWithTheProfilesOwnRows() {
        let model = CostModel(coefficients: .init(constant: 1, perPrefix: 0, perToken: 0.1, perAttended: 0, perDecodeToken: 0.5))
        let reference = CostProfile(
            device: "d", model: "m", prefill: [.init(P: 512, C: 64, ms: 10), .init(P: 512, C: 256, ms: 30)],
            decode: [.init(P: 512, B: 8, ms: 2), .init(P: 512, B: 8, ms: 1, distinctContext: 512)])
        // Prefill 10% slower on both points; decodes 20% faster; a point the profile lacks is priced by the model.
        let probed = CostProfile(
            device: "", model: "", prefill: [.init(P: 512, C: 64, ms: 11), .init(P: 512, C: 256, ms: 33)],
            decode: [.init(P: 512, B: 8, ms: 1.6), .init(P: 512, B: 8, ms: 0.8, distinctContext: 512), .init(P: 1024, B: 2, ms: 1.6)])
        let s = HostSpeedProbe.slowdown(measured: probed, reference: reference, costModel: model)
        #expect(abs(s.prefill - 1.1) < 1e-12)
        // Decode: (1.6 + 0.8 + 1.6) / (2 + 1 + model's 1 + 2 × 0.5 = 2).
        #expect(abs(s.decode - 4.0 / 5.0) < 1e-12)
        // No rows of a kind: that kind stays at the profile's speed.
        let decodesOnly = CostProfile(device: "", model: "", prefill: [], decode: probed.decode)
        #expect(HostSpeedProbe.slowdown(measured: decodesOnly, reference: reference, costModel: model).prefill == 1)
    }

    @Test func stepOverheadIsMeasuredOnTheEngine() throws {
        let loaded = try LoadedModel.load(TestFixtures.tinyLlama.path)
        let profiler = Profiler(model: loaded.model, repetitions: 1, rounds: 1)
        let step = try profiler.measureStepOverhead(tokenizer: loaded.tokenizer, batches: [1, 4], promptLength: 8, outputLength: 4)
        // Host time outside the pass exists and is far below a millisecond per sequence on any machine.
        #expect(step.fixedMs >= 0 && step.perSequenceMs >= 0)
        #expect(step.ms(sequences: 4) > 0 && step.ms(sequences: 4) < 4)
    }
}
