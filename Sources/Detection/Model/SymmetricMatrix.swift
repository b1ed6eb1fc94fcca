/// A symmetric n × n matrix stored as its upper triangle, row by row: n(n+1)/2 values instead
/// of n².
///
/// Why: `InflowImputation` keeps one covariance of the meters' flows per hour of the day, and
/// `ModelCache` keeps up to 256 models; on a DMA of 42 meters the full matrices took 24 · 42² ·
/// 8 bytes = 0.34 MB per model, and half of that was the same numbers twice.
struct SymmetricMatrix: Sendable, Equatable {
    let size: Int
    private(set) var packed: [Double]

    init(size: Int) {
        self.size = size
        packed = [Double](repeating: 0, count: size * (size + 1) / 2)
    }

    /// The position of (i, j), i <= j: the rows above i hold n + (n − 1) + … + (n − i + 1) values.
    @inline(__always)
    private func offset(_ i: Int, _ j: Int) -> Int {
        let (row, column) = i <= j ? (i, j) : (j, i)
        return row * size - row * (row - 1) / 2 + (column - row)
    }

    subscript(i: Int, j: Int) -> Double {
        get { packed[offset(i, j)] }
        set { packed[offset(i, j)] = newValue }
    }

    /// Adds `other` entry by entry (both the same size).
    mutating func add(_ other: SymmetricMatrix) {
        precondition(other.size == size, "sizes differ")
        for k in packed.indices { packed[k] += other.packed[k] }
    }

    /// Row sums, Σ_j A_ij.
    var rowSums: [Double] {
        (0..<size).map { i in (0..<size).reduce(0) { $0 + self[i, $1] } }
    }
}
