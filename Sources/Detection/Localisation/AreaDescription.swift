import WaterNetwork

/// Turns a set of nodes into the published `AreaOfInterest`: ranked node ids, the pipes
/// inside, their length, geometry and centroid.
struct AreaDescription {
    let network: NetworkModel

    func describe(area: [Int], probabilities: [Double]) -> AreaOfInterest {
        let order = Dictionary(uniqueKeysWithValues: area.enumerated().map { ($1, $0) })
        // Most likely first; equal ones in the order the area grew (nearest the best first).
        let rankedNodes = area.sorted {
            probabilities[$0] != probabilities[$1] ? probabilities[$0] > probabilities[$1] : order[$0]! < order[$1]!
        }
        let members = Set(area)
        let pipes = network.links.indices.filter { index in
            let link = network.links[index]
            return link.kind == .pipe && members.contains(link.from) && members.contains(link.to)
        }.sorted { a, b in
            let likelihoodA = likelihood(of: a, probabilities), likelihoodB = likelihood(of: b, probabilities)
            return likelihoodA != likelihoodB ? likelihoodA > likelihoodB : a < b
        }
        let lines = pipes.compactMap { network.polyline(ofLink: $0) }
        return AreaOfInterest(
            nodes: rankedNodes.map { network.nodes[$0].id },
            pipes: pipes.map { network.links[$0].id },
            pipeLengthM: pipes.reduce(0) { $0 + network.links[$1].lengthM },
            centroid: centroid(lines: lines, fallbackNodes: rankedNodes),
            geometry: Geometry(lines: lines))
    }

    private func likelihood(of link: Int, _ probabilities: [Double]) -> Double {
        max(probabilities[network.links[link].from], probabilities[network.links[link].to])
    }

    /// Length-weighted mean of segment midpoints; without drawable pipes, the mean of
    /// the nodes' positions; without any coordinates, the origin.
    private func centroid(lines: [[Point]], fallbackNodes: [Int]) -> Point {
        var totalLength = 0.0, x = 0.0, y = 0.0
        for line in lines {
            for (a, b) in zip(line, line.dropFirst()) {
                let length = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
                totalLength += length
                x += length * (a.x + b.x) / 2
                y += length * (a.y + b.y) / 2
            }
        }
        if totalLength > 0 { return Point(x: x / totalLength, y: y / totalLength) }
        let positions = fallbackNodes.compactMap { network.nodes[$0].position }
        guard !positions.isEmpty else { return Point(x: 0, y: 0) }
        let count = Double(positions.count)
        return Point(x: positions.reduce(0) { $0 + $1.x } / count, y: positions.reduce(0) { $0 + $1.y } / count)
    }
}
