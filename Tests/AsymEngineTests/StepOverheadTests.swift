import AsymCost
import AsymEngine
import AsymTestSupport
import Foundation
import Testing

@Suite("Step overhead")
struct StepOverheadTests {
    @Test func stepOverheadIsMeasuredOnTheEngine() throws {
        let loaded = try LoadedModel.load(TestFixtures.tinyLlama.path)
        let profiler = Profiler(model: loaded.model, repetitions: 1, rounds: 1)
        let shapes = [Profiler.StepShape(sequences: 1, promptLength: 8), .init(sequences: 4, promptLength: 8),
                      .init(sequences: 2, promptLength: 40)]
        let step = try profiler.measureStepOverhead(tokenizer: loaded.tokenizer, shapes: shapes, outputLength: 4)
        // Host time outside the pass exists and is far below a millisecond per sequence on any machine.
        #expect(step.fixedMs >= 0 && step.perSequenceMs >= 0 && step.perContextBlockMs >= 0)
        #expect(step.ms(sequences: 4) > 0 && step.ms(sequences: 4) < 4)
        // Sampling and bookkeeping are per sequence: more sequences cost more.
        #expect(step.ms(sequences: 16) > step.ms(sequences: 1))
    }
}
