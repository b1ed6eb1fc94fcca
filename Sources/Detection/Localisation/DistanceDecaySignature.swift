import Foundation
import WaterNetwork

/// The simple signature model: a burst at node n lowers pressure at a logger by an
/// amount that falls off with the network distance d between them, s = exp(-d / L).
///
/// L is derived from the network as seen by the loggers: the median network distance
/// between two loggers (the scale at which the loggers can tell places apart), times a
/// few factors. With fewer than two loggers, a few times the median pipe length.
struct DistanceDecaySignature: Sendable {
    let lengthScalesM: [Double]

    init(distances: DistanceTable, loggerNodes: [Int], network: NetworkModel, factors: [Double]) {
        let base = Self.baseLengthScaleM(distances: distances, loggerNodes: loggerNodes, network: network)
        lengthScalesM = factors.map { $0 * base }
    }

    /// variants[v][k][n]: predicted relative drop at logger k for a burst at node n,
    /// under length scale v.
    func variants(distances: DistanceTable, loggerNodes: [Int]) -> [[[Double]]] {
        lengthScalesM.map { scale in
            loggerNodes.map { logger in
                distances.distances(from: logger).map { distance in
                    distance.isFinite ? exp(-distance / scale) : 0
                }
            }
        }
    }

    static func baseLengthScaleM(distances: DistanceTable, loggerNodes: [Int], network: NetworkModel) -> Double {
        let distinct = Array(Set(loggerNodes)).sorted()
        var pairDistances: [Double] = []
        for (position, a) in distinct.enumerated() {
            for b in distinct[(position + 1)...] {
                let distance = distances.distance(from: a, to: b)
                if distance.isFinite && distance > 0 { pairDistances.append(distance) }
            }
        }
        if let median = median(pairDistances) { return median }
        let pipeLengths = network.links.filter { $0.kind == .pipe }.map(\.lengthM)
        return 5 * (median(pipeLengths) ?? 100)
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
