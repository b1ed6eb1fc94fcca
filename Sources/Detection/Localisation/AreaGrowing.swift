import WaterNetwork

/// Grows the area of interest from the most likely node into a connected set.
///
/// Each step adds the neighbouring node with the highest probability, until the set
/// holds `coverage` of the probability (and at least `minimumPipes` pipes), or no neighbour
/// can be added without passing `maxPipeLengthM`. A connected area is one a crew can walk.
struct AreaGrowing {
    let graph: NetworkGraph

    /// Nodes in the order they were added, starting with `start`; only nodes `within` marks
    /// (nil: any node).
    /// `minimumPipes` are allowed whatever their length (on a network of few long pipes one
    /// pipe can be more than the cap).
    func grow(from start: Int, probabilities: [Double], coverage: Double, maxPipeLengthM: Double,
              minimumPipes: Int = 1, within allowed: [Bool]? = nil) -> [Int] {
        let links = graph.model.links
        var inArea = [Bool](repeating: false, count: graph.nodeCount)
        var onFrontier = [Bool](repeating: false, count: graph.nodeCount)
        var area: [Int] = []
        var frontier: [Int] = []
        var covered = 0.0
        var pipeLengthM = 0.0
        var pipeCount = 0

        func pipesJoining(_ node: Int) -> (lengthM: Double, count: Int) {
            var length = 0.0, count = 0
            for neighbour in graph.neighbours(of: node)
            where inArea[neighbour.node] && links[neighbour.link].kind == .pipe {
                length += links[neighbour.link].lengthM
                count += 1
            }
            return (length, count)
        }

        func add(_ node: Int) {
            inArea[node] = true
            area.append(node)
            covered += probabilities[node]
            for neighbour in graph.neighbours(of: node)
            where !inArea[neighbour.node] && !onFrontier[neighbour.node] && allowed?[neighbour.node] != false {
                onFrontier[neighbour.node] = true
                frontier.append(neighbour.node)
            }
        }

        add(start)
        while !frontier.isEmpty && (covered < coverage || pipeCount < minimumPipes) {
            // Best by probability; among equals, the one adding the least pipe.
            var bestPosition = 0
            var bestJoin = pipesJoining(frontier[0])
            for position in frontier.indices.dropFirst() {
                let node = frontier[position], best = frontier[bestPosition]
                if probabilities[node] < probabilities[best] { continue }
                let join = pipesJoining(node)
                if probabilities[node] > probabilities[best] || join.lengthM < bestJoin.lengthM {
                    bestPosition = position
                    bestJoin = join
                }
            }
            let node = frontier.remove(at: bestPosition)
            // Over the cap only to reach `minimumPipes` (the first pipe whatever it brings,
            // then no further than the minimum: a node closing a loop joins by two).
            let underMinimum = pipeCount == 0 || pipeCount + bestJoin.count <= minimumPipes
            if pipeLengthM + bestJoin.lengthM > maxPipeLengthM && !underMinimum { continue }
            add(node)
            pipeLengthM += bestJoin.lengthM
            pipeCount += bestJoin.count
        }
        return area
    }
}
