/// Dijkstra over `NetworkGraph` (binary heap, lazy deletion). Nothing all-pairs is
/// precomputed: one run costs O(E log V), and callers needing many distances from a
/// few sources use `DistanceTable`.
extension NetworkGraph {
    /// Network distance in metres from `source` to every node; unreachable: `.infinity`.
    public func shortestDistances(from source: Int) -> [Double] {
        shortestDistances(fromAny: [source])
    }

    /// Distance from the nearest of `sources` to every node (multi-source Dijkstra), e.g.
    /// how far each node is from an area.
    public func shortestDistances(fromAny sources: some Sequence<Int>) -> [Double] {
        dijkstra(from: sources, stopAt: nil).distance
    }

    /// Network distance between two nodes; `.infinity` when not connected.
    public func distance(_ a: Int, _ b: Int) -> Double {
        dijkstra(from: [a], stopAt: b).distance[b]
    }

    /// The links of a shortest path from `a` to `b`, in order; empty when `a == b`, nil
    /// when `b` cannot be reached.
    public func shortestPath(_ a: Int, _ b: Int) -> [Int]? {
        let search = dijkstra(from: [a], stopAt: b)
        guard search.distance[b].isFinite else { return nil }
        var path: [Int] = []
        var node = b
        while node != a {
            let link = search.viaLink[node]
            path.append(link)
            let ends = model.links[link]
            node = ends.from == node ? ends.to : ends.from
        }
        return path.reversed()
    }

    /// `viaLink[n]`: the last link on a shortest path to n (-1 for sources and unreached).
    private func dijkstra(from sources: some Sequence<Int>, stopAt target: Int?) -> (distance: [Double], viaLink: [Int]) {
        var distance = [Double](repeating: .infinity, count: nodeCount)
        var viaLink = [Int](repeating: -1, count: nodeCount)
        var settled = [Bool](repeating: false, count: nodeCount)
        var heap = MinHeap(capacity: nodeCount)
        for source in sources {
            distance[source] = 0
            heap.push(0, source)
        }
        while let (nodeDistance, node) = heap.popMin() {
            if settled[node] { continue }
            settled[node] = true
            if node == target { break }
            for neighbour in neighbours(of: node) where !settled[neighbour.node] {
                let candidate = nodeDistance + neighbour.weightM
                if candidate < distance[neighbour.node] {
                    distance[neighbour.node] = candidate
                    viaLink[neighbour.node] = neighbour.link
                    heap.push(candidate, neighbour.node)
                }
            }
        }
        return (distance, viaLink)
    }
}
