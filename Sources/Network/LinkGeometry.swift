extension NetworkModel {
    /// The link drawn as a polyline in the network's coordinates: start node, vertices,
    /// end node. Nil when either end node has no coordinates (the line would be a guess).
    public func polyline(ofLink index: Int) -> [Point]? {
        let link = links[index]
        guard let start = nodes[link.from].position, let end = nodes[link.to].position else { return nil }
        return [start] + link.vertices + [end]
    }
}
