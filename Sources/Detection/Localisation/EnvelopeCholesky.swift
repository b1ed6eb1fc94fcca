/// Cholesky factorisation A = L·Lᵀ of a sparse symmetric positive definite matrix,
/// stored by envelope (each row from its first non-zero to the diagonal) after a
/// reverse Cuthill-McKee reordering that keeps the envelope narrow.
///
/// Water networks are sparse and nearly planar, so after RCM a 10,000-node network has
/// an envelope of a few hundred entries per row: factorising takes well under a second
/// and each solve a few milliseconds. No external solver is available here, and this
/// is the simplest direct method that is robust to the wide spread of pipe
/// conductances (short pump links next to 10 km mains) that defeats plain iterative ones.
struct EnvelopeCholesky: Sendable {
    let size: Int
    private let order: [Int]       // order[new] = old index
    private let position: [Int]    // position[old] = new index
    private let firstColumn: [Int] // per new row
    private let rowStart: [Int]    // offset of (row, firstColumn[row]) in `factor`
    private let factor: [Double]

    /// `offDiagonal[i]`: (column, value) pairs of row i with column != i (both (i,j) and
    /// (j,i) must be listed, with equal values). Returns nil if A is not positive definite.
    init?(diagonal: [Double], offDiagonal: [[(column: Int, value: Double)]]) {
        let size = diagonal.count
        let order = Self.reverseCuthillMcKee(offDiagonal)
        var position = [Int](repeating: 0, count: size)
        for (new, old) in order.enumerated() { position[old] = new }

        var firstColumn = Array(0..<size)
        for old in 0..<size {
            let row = position[old]
            for entry in offDiagonal[old] { firstColumn[row] = min(firstColumn[row], position[entry.column]) }
        }
        var rowStart = [Int](repeating: 0, count: size + 1)
        for row in 0..<size { rowStart[row + 1] = rowStart[row] + (row - firstColumn[row] + 1) }

        var factor = [Double](repeating: 0, count: rowStart[size])
        for old in 0..<size {
            let row = position[old]
            factor[rowStart[row] + row - firstColumn[row]] = diagonal[old]
            for entry in offDiagonal[old] {
                let column = position[entry.column]
                if column < row { factor[rowStart[row] + column - firstColumn[row]] += entry.value }
            }
        }

        // Row-by-row (Jennings) envelope Cholesky, in place.
        for row in 0..<size {
            let rowFirst = firstColumn[row], rowBase = rowStart[row] - rowFirst
            for column in rowFirst..<row {
                let columnBase = rowStart[column] - firstColumn[column]
                var sum = factor[rowBase + column]
                for k in max(rowFirst, firstColumn[column])..<column {
                    sum -= factor[rowBase + k] * factor[columnBase + k]
                }
                factor[rowBase + column] = sum / factor[columnBase + column]
            }
            var pivot = factor[rowBase + row]
            for k in rowFirst..<row { pivot -= factor[rowBase + k] * factor[rowBase + k] }
            guard pivot > 0 else { return nil }
            factor[rowBase + row] = pivot.squareRoot()
        }

        self.size = size
        self.order = order
        self.position = position
        self.firstColumn = firstColumn
        self.rowStart = rowStart
        self.factor = factor
    }

    /// x with A·x = b (in the caller's original numbering).
    func solve(_ b: [Double]) -> [Double] {
        var y = [Double](repeating: 0, count: size)
        for row in 0..<size { y[row] = b[order[row]] }
        // L·z = y
        for row in 0..<size {
            let rowFirst = firstColumn[row], rowBase = rowStart[row] - rowFirst
            var sum = y[row]
            for k in rowFirst..<row { sum -= factor[rowBase + k] * y[k] }
            y[row] = sum / factor[rowBase + row]
        }
        // Lᵀ·x = z, column-oriented because L is stored by rows.
        for row in stride(from: size - 1, through: 0, by: -1) {
            let rowFirst = firstColumn[row], rowBase = rowStart[row] - rowFirst
            y[row] /= factor[rowBase + row]
            let value = y[row]
            for k in rowFirst..<row { y[k] -= factor[rowBase + k] * value }
        }
        var x = [Double](repeating: 0, count: size)
        for row in 0..<size { x[order[row]] = y[row] }
        return x
    }

    /// Breadth-first from a far-out node of each component, neighbours by rising degree,
    /// then reversed: the classic profile-reducing order.
    static func reverseCuthillMcKee(_ adjacency: [[(column: Int, value: Double)]]) -> [Int] {
        let size = adjacency.count
        let degree = adjacency.map(\.count)
        var visited = [Bool](repeating: false, count: size)
        var order: [Int] = []
        order.reserveCapacity(size)
        for seed in (0..<size).sorted(by: { degree[$0] < degree[$1] }) where !visited[seed] {
            let start = peripheralNode(from: seed, adjacency: adjacency)
            visited[start] = true
            var cursor = order.count
            order.append(start)
            while cursor < order.count {
                let node = order[cursor]
                cursor += 1
                let next = adjacency[node].map(\.column).filter { !visited[$0] }.sorted { degree[$0] < degree[$1] }
                for neighbour in next where !visited[neighbour] {
                    visited[neighbour] = true
                    order.append(neighbour)
                }
            }
        }
        return order.reversed()
    }

    /// A node at the end of a longest breadth-first level structure (a few sweeps of the
    /// George-Liu heuristic are enough in practice).
    private static func peripheralNode(from seed: Int, adjacency: [[(column: Int, value: Double)]]) -> Int {
        var node = seed
        var depth = -1
        for _ in 0..<4 {
            var level = [node: 0]
            var queue = [node], cursor = 0, last = node
            while cursor < queue.count {
                let current = queue[cursor]
                cursor += 1
                last = current
                for entry in adjacency[current] where level[entry.column] == nil {
                    level[entry.column] = level[current]! + 1
                    queue.append(entry.column)
                }
            }
            let newDepth = level[last]!
            if newDepth <= depth { break }
            depth = newDepth
            node = last
        }
        return node
    }
}
