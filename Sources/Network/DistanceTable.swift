/// Distances from a fixed set of source nodes (e.g. the pressure loggers) to every
/// node, computed once: one Dijkstra per source instead of an all-pairs matrix, which
/// for 10,000 nodes would be 800 MB.
public struct DistanceTable: Sendable {
    public let sources: [Int]
    private let rows: [Int: [Double]]

    public init(graph: NetworkGraph, sources: [Int]) {
        self.sources = sources
        var rows: [Int: [Double]] = [:]
        for source in sources where rows[source] == nil {
            rows[source] = graph.shortestDistances(from: source)
        }
        self.rows = rows
    }

    /// Distance from `source` (one of `sources`) to `node`. The graph is undirected, so
    /// this is also the distance from `node` to `source`.
    public func distance(from source: Int, to node: Int) -> Double {
        guard let row = rows[source] else {
            preconditionFailure("node \(source) is not a source of this DistanceTable")
        }
        return row[node]
    }

    public func distances(from source: Int) -> [Double] {
        guard let row = rows[source] else {
            preconditionFailure("node \(source) is not a source of this DistanceTable")
        }
        return row
    }
}
