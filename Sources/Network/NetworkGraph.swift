/// The network as an undirected weighted graph for distances along the pipes.
///
/// Edge weight = pipe length in metres. Pumps and valves have no length in EPANET; they
/// get `nonPipeLinkLengthM` (1 m by default) so that they connect their ends without
/// making the two sides look far apart. Every link counts, whatever its initial status:
/// closed links are usually opened by controls, and "network distance" is about where
/// things are, not where water flows right now.
///
/// Stored as compressed adjacency arrays (one contiguous slice of neighbours per node),
/// so a Dijkstra over 10,000 nodes stays a few milliseconds.
public struct NetworkGraph: Sendable {
    /// One neighbour of a node: the node at the other end, the link, and its weight.
    public struct Neighbour: Sendable, Equatable {
        public var node: Int
        public var link: Int
        public var weightM: Double
    }

    public static let defaultNonPipeLinkLengthM = 1.0

    public let model: NetworkModel
    public let nonPipeLinkLengthM: Double
    private let firstNeighbour: [Int]   // node i's neighbours are neighbourList[firstNeighbour[i]..<firstNeighbour[i+1]]
    private let neighbourList: [Neighbour]

    public init(model: NetworkModel, nonPipeLinkLengthM: Double = NetworkGraph.defaultNonPipeLinkLengthM) {
        self.model = model
        self.nonPipeLinkLengthM = nonPipeLinkLengthM
        var degree = [Int](repeating: 0, count: model.nodes.count)
        for link in model.links {
            degree[link.from] += 1
            degree[link.to] += 1
        }
        var first = [Int](repeating: 0, count: model.nodes.count + 1)
        for node in model.nodes.indices { first[node + 1] = first[node] + degree[node] }
        var next = Array(first.dropLast())
        var list = [Neighbour](repeating: Neighbour(node: 0, link: 0, weightM: 0), count: first.last ?? 0)
        for (index, link) in model.links.enumerated() {
            let weight = link.kind == .pipe ? link.lengthM : nonPipeLinkLengthM
            list[next[link.from]] = Neighbour(node: link.to, link: index, weightM: weight)
            next[link.from] += 1
            list[next[link.to]] = Neighbour(node: link.from, link: index, weightM: weight)
            next[link.to] += 1
        }
        self.firstNeighbour = first
        self.neighbourList = list
    }

    public var nodeCount: Int { model.nodes.count }

    public func neighbours(of node: Int) -> ArraySlice<Neighbour> {
        neighbourList[firstNeighbour[node]..<firstNeighbour[node + 1]]
    }

    /// The weight Dijkstra uses for a link.
    public func weightM(ofLink index: Int) -> Double {
        model.links[index].kind == .pipe ? model.links[index].lengthM : nonPipeLinkLengthM
    }

    public var totalPipeLengthM: Double { model.totalPipeLengthM }

    public func polyline(ofLink index: Int) -> [Point]? { model.polyline(ofLink: index) }

    /// Groups of node indices joined by links, largest first. A sound network has one.
    public var connectedComponents: [[Int]] {
        var component = [Int](repeating: -1, count: nodeCount)
        var groups: [[Int]] = []
        for start in 0..<nodeCount where component[start] < 0 {
            var members = [start]
            component[start] = groups.count
            var cursor = 0
            while cursor < members.count {
                for neighbour in neighbours(of: members[cursor]) where component[neighbour.node] < 0 {
                    component[neighbour.node] = groups.count
                    members.append(neighbour.node)
                }
                cursor += 1
            }
            groups.append(members)
        }
        return groups.sorted { $0.count > $1.count }
    }
}
