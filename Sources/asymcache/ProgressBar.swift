import AsymBench
import Foundation

/// A one-line progress bar on stderr, redrawn in place on a terminal. When stderr is a file or a
/// pipe (CI logs), it writes one line per 10% instead of a redraw per step.
final class ProgressBar: @unchecked Sendable {
    let label: String
    private let start = Date()
    private let isTerminal = isatty(FileHandle.standardError.fileDescriptor) != 0
    private var lastDecile = -1

    init(label: String) { self.label = label }

    func update(_ done: Int, _ total: Int) {
        let width = 30
        let filled = total > 0 ? width * done / total : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let elapsed = Date().timeIntervalSince(start)
        let line = String(format: "%@ %@ %d/%d  %.0fs", label, bar, done, total, elapsed)
        if isTerminal {
            FileHandle.standardError.write(Data("\r\(line)".utf8))
        } else {
            let decile = total > 0 ? 10 * done / total : 10
            guard decile != lastDecile else { return }
            lastDecile = decile
            FileHandle.standardError.write(Data("\(line)\n".utf8))
        }
    }

    func finish() { if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) } }
}

/// One progress bar per policy variant of a side-by-side run (`bench`, `simulate`), each started
/// when its variant begins. Pass `update` as the run's progress callback.
final class VariantProgress: @unchecked Sendable {
    private let names: [String]
    private let total: Int
    private var bars: [ProgressBar] = []

    /// `total`: calls per variant.
    init(variants: [PolicyVariant], total: Int) {
        names = variants.map(\.name)
        self.total = total
    }

    func update(_ variant: Int, _ done: Int) {
        while bars.count <= variant {
            bars.last?.finish()
            bars.append(ProgressBar(label: names[bars.count].padding(toLength: 15, withPad: " ", startingAt: 0)))
        }
        bars[variant].update(done, total)
    }

    func finish() { bars.last?.finish() }
}
