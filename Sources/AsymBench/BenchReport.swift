import Foundation

/// Everything one `asymcache bench` run measured; written as results.json, report.md and plot.svg.
public struct BenchReport: Sendable, Codable {
    public var model: String
    public var machine: String
    public var workload: String
    public var workloadParameters: [String]
    public var jobs: Int
    public var calls: Int
    public var kvCacheTokens: Int
    public var workingSetTokens: Int
    public var variants: [VariantResult]
    public var ratios: [Ratio]
    public var lossless: LosslessCheck
    public var wallSeconds: Double

    public init(model: String, machine: String, workload: Workload, kvCacheTokens: Int, workingSetTokens: Int,
                variants: [VariantResult], lossless: LosslessCheck, wallSeconds: Double) {
        self.model = model
        self.machine = machine
        self.workload = workload.name
        workloadParameters = workload.parameters
        jobs = workload.jobs.count
        calls = workload.callCount
        self.kvCacheTokens = kvCacheTokens
        self.workingSetTokens = workingSetTokens
        self.variants = variants
        ratios = Ratio.all(variants)
        self.lossless = lossless
        self.wallSeconds = wallSeconds
    }

    /// Writes results.json, report.md and plot.svg into `directory` (created if needed).
    @discardableResult
    public func write(to directory: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let files = [
            (directory.appendingPathComponent("results.json"), try encoder.encode(self)),
            (directory.appendingPathComponent("report.md"), Data(markdown().utf8)),
            (directory.appendingPathComponent("plot.svg"), Data(svg().utf8)),
        ]
        for (url, data) in files { try data.write(to: url) }
        return files.map(\.0)
    }
}
