import Foundation

extension BenchReport {
    /// Three panels drawn by hand: CDFs of TTFT and of TPOT per policy (log-scale ms), and the
    /// prompt tokens recomputed per policy (holes and suffixes, stacked).
    public func svg() -> String {
        let panel = (width: 380.0, height: 300.0), margin = (left: 56.0, top: 40.0, bottom: 44.0)
        let colors = ["#d62728", "#1f77b4", "#2ca02c", "#7f7f7f", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"]
        let total = 3 * panel.width + 40
        var s = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(total))" height="\(Int(panel.height + 60))" \
            font-family="sans-serif" font-size="11">
            <rect width="100%" height="100%" fill="white"/>
            <text x="10" y="18" font-size="14">asymcache bench: \(escape(workload)) on \(escape(model)), \
            KV \(kvCacheTokens) tokens; \(escape(lossless.summary))</text>

            """
        let samples: [(String, KeyPath<VariantResult, [Double]>)] = [("TTFT (ms)", \.ttftSamples), ("TPOT (ms)", \.tpotSamples)]
        for (p, (title, key)) in samples.enumerated() {
            let x0 = 10 + Double(p) * panel.width + margin.left, y0 = margin.top
            let w = panel.width - margin.left - 20, h = panel.height - margin.top - margin.bottom
            let all = variants.flatMap { $0[keyPath: key] }.map { max($0 * 1000, 1e-3) }
            let lo = floor(log10(all.min() ?? 1)), hi = max(lo + 1, ceil(log10(all.max() ?? 10)))
            let xOf = { (ms: Double) in x0 + (log10(max(ms, 1e-3)) - lo) / (hi - lo) * w }
            s += axes(x0: x0, y0: y0, w: w, h: h, title: "CDF of " + title)
            for d in stride(from: lo, through: hi, by: 1) {
                let x = xOf(pow(10, d))
                s += "<line x1=\"\(f(x))\" y1=\"\(f(y0 + h))\" x2=\"\(f(x))\" y2=\"\(f(y0 + h + 4))\" stroke=\"black\"/>"
                s += "<text x=\"\(f(x))\" y=\"\(f(y0 + h + 16))\" text-anchor=\"middle\">\(label(pow(10, d)))</text>\n"
            }
            for (i, v) in variants.enumerated() {
                let xs = v[keyPath: key]
                guard !xs.isEmpty else { continue }
                var points: [String] = []
                for (k, x) in xs.enumerated() {
                    let px = xOf(x * 1000)
                    points.append("\(f(px)),\(f(y0 + h - Double(k) / Double(xs.count) * h))")
                    points.append("\(f(px)),\(f(y0 + h - Double(k + 1) / Double(xs.count) * h))")
                }
                s += "<polyline fill=\"none\" stroke=\"\(colors[i % colors.count])\" stroke-width=\"1.6\" points=\"\(points.joined(separator: " "))\"/>\n"
            }
        }
        // Panel 3: recomputed prompt tokens.
        let x0 = 10 + 2 * panel.width + margin.left + 40, y0 = margin.top
        let w = panel.width - margin.left - 60, h = panel.height - margin.top - margin.bottom
        s += axes(x0: x0, y0: y0, w: w, h: h, title: "prompt tokens recomputed (holes + suffix)")
        let maxTokens = Double(max(1, variants.map(\.recomputedTokens).max() ?? 1))
        let bar = h / Double(max(1, variants.count))
        for (i, v) in variants.enumerated() {
            let y = y0 + Double(i) * bar + bar * 0.15, bh = bar * 0.7
            let holeW = Double(v.holeTokens) / maxTokens * w, suffixW = Double(v.suffixTokens) / maxTokens * w
            s += "<rect x=\"\(f(x0))\" y=\"\(f(y))\" width=\"\(f(holeW))\" height=\"\(f(bh))\" fill=\"\(colors[i % colors.count])\" fill-opacity=\"0.5\"/>"
            s += "<rect x=\"\(f(x0 + holeW))\" y=\"\(f(y))\" width=\"\(f(suffixW))\" height=\"\(f(bh))\" fill=\"\(colors[i % colors.count])\"/>"
            s += "<text x=\"\(f(x0 - 4))\" y=\"\(f(y + bh * 0.7))\" text-anchor=\"end\">\(escape(v.name))</text>"
            s += "<text x=\"\(f(x0 + holeW + suffixW + 4))\" y=\"\(f(y + bh * 0.7))\">\(v.recomputedTokens)</text>\n"
        }
        s += "<text x=\"\(f(x0))\" y=\"\(f(y0 + h + 16))\">light: holes, dark: suffix</text>\n"
        // Legend.
        for (i, v) in variants.enumerated() {
            let x = 10 + margin.left + Double(i) * 110, y = panel.height + 36
            s += "<rect x=\"\(f(x))\" y=\"\(f(y - 9))\" width=\"14\" height=\"10\" fill=\"\(colors[i % colors.count])\"/>"
            s += "<text x=\"\(f(x + 18))\" y=\"\(f(y))\">\(escape(v.name))</text>\n"
        }
        return s + "</svg>\n"
    }

    private func axes(x0: Double, y0: Double, w: Double, h: Double, title: String) -> String {
        var s = "<text x=\"\(f(x0 + w / 2))\" y=\"\(f(y0 - 8))\" text-anchor=\"middle\" font-size=\"12\">\(escape(title))</text>"
        s += "<rect x=\"\(f(x0))\" y=\"\(f(y0))\" width=\"\(f(w))\" height=\"\(f(h))\" fill=\"none\" stroke=\"black\"/>\n"
        for q in [0.0, 0.5, 1.0] {
            let y = y0 + h - q * h
            s += "<text x=\"\(f(x0 - 4))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(q)</text>"
        }
        return s + "\n"
    }

    private func label(_ ms: Double) -> String { ms >= 1 ? String(format: "%.0f", ms) : String(format: "%g", ms) }
    private func f(_ x: Double) -> String { String(format: "%.1f", x) }
    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
