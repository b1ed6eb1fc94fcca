/// Least squares for the handful of unknowns the models have (a pressure logger regressed on
/// a DMA's few flow channels), through the normal equations and a Cholesky factorisation.
/// A small ridge keeps it solvable when channels are collinear (two meters in series).
struct NormalEquations {
    let size: Int
    private(set) var matrix: [Double]  // row-major size × size, only ever symmetric
    private(set) var rhs: [Double]
    private(set) var rows = 0

    init(size: Int) {
        self.size = size
        matrix = Array(repeating: 0, count: size * size)
        rhs = Array(repeating: 0, count: size)
    }

    mutating func add(row x: [Double], target y: Double, weight: Double = 1) {
        precondition(x.count == size)
        for i in 0..<size where x[i] != 0 {
            let wx = weight * x[i]
            rhs[i] += wx * y
            for j in i..<size { matrix[i * size + j] += wx * x[j] }
        }
        rows += 1
    }

    /// Solves with `ridge` × (mean diagonal) added to every diagonal entry except those in
    /// `unpenalised` (the intercept). Nil when the system is degenerate even so.
    func solve(ridge: Double, unpenalised: Set<Int> = []) -> [Double]? {
        var a = matrix
        for i in 0..<size {
            for j in 0..<i { a[i * size + j] = a[j * size + i] }
        }
        let meanDiagonal = (0..<size).reduce(0.0) { $0 + a[$1 * size + $1] } / Double(max(size, 1))
        for i in 0..<size where !unpenalised.contains(i) {
            a[i * size + i] += ridge * max(meanDiagonal, 1e-12)
        }
        return Cholesky.solve(a, size: size, rhs: rhs)
    }
}

enum Cholesky {
    /// Solves A x = b for a symmetric positive definite A (row-major). Nil when A is not
    /// positive definite.
    static func solve(_ a: [Double], size n: Int, rhs b: [Double]) -> [Double]? {
        var l = Array(repeating: 0.0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i * n + j]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard sum > 1e-12 * max(abs(a[i * n + i]), 1e-300) else { return nil }
                    l[i * n + i] = sum.squareRoot()
                } else {
                    l[i * n + j] = sum / l[j * n + j]
                }
            }
        }
        var y = b
        for i in 0..<n {
            var sum = y[i]
            for k in 0..<i { sum -= l[i * n + k] * y[k] }
            y[i] = sum / l[i * n + i]
        }
        var x = y
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = x[i]
            for k in (i + 1)..<n { sum -= l[k * n + i] * x[k] }
            x[i] = sum / l[i * n + i]
        }
        return x
    }
}
