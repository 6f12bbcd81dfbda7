import Foundation

/// A one-line progress bar on stderr, redrawn in place.
final class ProgressBar: @unchecked Sendable {
    let label: String
    private let start = Date()

    init(label: String) { self.label = label }

    func update(_ done: Int, _ total: Int) {
        let width = 30
        let filled = total > 0 ? width * done / total : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let elapsed = Date().timeIntervalSince(start)
        FileHandle.standardError.write(Data(String(format: "\r%@ %@ %d/%d  %.0fs", label, bar, done, total, elapsed).utf8))
    }

    func finish() { FileHandle.standardError.write(Data("\n".utf8)) }
}
