import Foundation
import Testing
@testable import AsymKV

@Suite("ReuseEstimator")
struct ReuseEstimatorTests {
    @Test func useClassesAreLog2Buckets() {
        #expect([1, 2, 3, 4, 5, 8, 9, 100].map(ReuseEstimator.useClass) == [0, 1, 2, 2, 3, 3, 4, 4])
        #expect(ReuseEstimator.useClass(0) == 0)
    }

    @Test func timeScaleIsTheMeanIdleTimeOfHits() {
        var e = ReuseEstimator(halvingPeriod: 1000)
        #expect(e.timeScale == 0)
        e.recordHit(useClass: 0, idle: 1)
        e.recordHit(useClass: 0, idle: 3)
        #expect(e.timeScale == 2)
    }

    @Test func reuseRateCountsMissedReusesAsReuses() {
        var e = ReuseEstimator(halvingPeriod: 1000)
        #expect(e.logReuseRate(0) == log(0.5), "uniform prior")
        for _ in 0..<4 { e.recordEviction(useClass: 0) }
        e.recordHit(useClass: 0, idle: 1)
        #expect(abs(e.logReuseRate(0) - log(2.0 / 7)) < 1e-12)
        e.recordMissedReuse(useClass: 0)  // one of the 4 evictions was needed again
        #expect(abs(e.logReuseRate(0) - log(3.0 / 7)) < 1e-12)
        #expect(e.logReuseRate(1) == log(0.5), "classes are separate")
    }

    @Test func halvingKeepsRatiosAndForgetsSlowly() {
        var e = ReuseEstimator(halvingPeriod: 4)
        e.recordHit(useClass: 1, idle: 2)
        e.recordHit(useClass: 1, idle: 2)
        e.recordEviction(useClass: 1)
        e.recordEviction(useClass: 1)  // 4th event: everything halves
        #expect(e.timeScale == 2)
        #expect(abs(e.logReuseRate(1) - log(2.0 / 4)) < 1e-12)
        for _ in 0..<8 { e.recordHit(useClass: 1, idle: 10) }
        #expect(e.timeScale > 8, "recent hits dominate after halvings")
    }
}
