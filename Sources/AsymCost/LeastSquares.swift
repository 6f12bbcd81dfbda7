/// Weighted linear least squares by the normal equations, for a handful of unknowns.
enum LeastSquares {
    /// Minimizes Σ wᵢ² (xᵢ·β − yᵢ)². `rows[i]` has one entry per unknown.
    /// Returns nil when the normal matrix is singular.
    static func solve(rows: [[Double]], targets: [Double], weights: [Double]) -> [Double]? {
        guard let width = rows.first?.count, rows.count >= width else { return nil }
        var normal = [[Double]](repeating: [Double](repeating: 0, count: width), count: width)
        var rhs = [Double](repeating: 0, count: width)
        for (i, row) in rows.enumerated() {
            let w2 = weights[i] * weights[i]
            for r in 0..<width {
                rhs[r] += w2 * row[r] * targets[i]
                for c in 0..<width { normal[r][c] += w2 * row[r] * row[c] }
            }
        }
        return gaussianElimination(normal, rhs)
    }

    /// Solves A x = b with partial pivoting; A is square. Columns are scaled first because the
    /// features span many orders of magnitude (1 … P·C ≈ 10⁹).
    static func gaussianElimination(_ matrix: [[Double]], _ rhs: [Double]) -> [Double]? {
        let n = rhs.count
        var scale = [Double](repeating: 1, count: n)
        for c in 0..<n {
            let m = (0..<n).map { abs(matrix[$0][c]) }.max() ?? 0
            if m > 0 { scale[c] = 1 / m }
        }
        var a = matrix.map { row in row.enumerated().map { $0.element * scale[$0.offset] } }
        var b = rhs
        for col in 0..<n {
            guard let pivot = (col..<n).max(by: { abs(a[$0][col]) < abs(a[$1][col]) }),
                abs(a[pivot][col]) > 1e-300
            else { return nil }
            a.swapAt(col, pivot)
            b.swapAt(col, pivot)
            for r in (col + 1)..<n where a[r][col] != 0 {
                let f = a[r][col] / a[col][col]
                for c in col..<n { a[r][c] -= f * a[col][c] }
                b[r] -= f * b[col]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for r in stride(from: n - 1, through: 0, by: -1) {
            var s = b[r]
            for c in (r + 1)..<n { s -= a[r][c] * x[c] }
            x[r] = s / a[r][r]
        }
        return x.enumerated().map { $0.element * scale[$0.offset] }
    }
}
