@testable import Detection
import Testing

@Suite struct SymmetricMatrixTests {
    /// A full 5 × 5 symmetric matrix written through the upper triangle reads back whole,
    /// from either side of the diagonal, in n(n+1)/2 stored values.
    @Test func holdsASymmetricMatrixInItsUpperTriangle() {
        let n = 5
        func full(_ i: Int, _ j: Int) -> Double { Double(min(i, j) * 10 + max(i, j)) + 0.5 }
        var matrix = SymmetricMatrix(size: n)
        for i in 0..<n { for j in i..<n { matrix[i, j] = full(i, j) } }
        #expect(matrix.packed.count == 15)
        for i in 0..<n {
            for j in 0..<n { #expect(matrix[i, j] == full(i, j)) }
        }
        #expect(matrix.rowSums == (0..<n).map { i in (0..<n).reduce(0) { $0 + full(i, $1) } })
        // Written below the diagonal, read above it.
        matrix[4, 1] = -2
        #expect(matrix[1, 4] == -2)
    }

    @Test func addsEntryByEntry() {
        var a = SymmetricMatrix(size: 3), b = SymmetricMatrix(size: 3)
        a[0, 2] = 1
        b[0, 2] = 2
        b[1, 1] = 4
        a.add(b)
        #expect(a[2, 0] == 3)
        #expect(a[1, 1] == 4)
        #expect(a[0, 0] == 0)
    }
}
