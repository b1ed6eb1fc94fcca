import Foundation
import Testing
@testable import Detection
import WaterNetwork

/// Fixtures of the hydraulics tests. DetectionTests has no resources of its own; the
/// .inp files and WNTR's reference figures (tools/hydraulics_check.py) live with the
/// Network tests' fixtures.
enum HydraulicsFixtures {
    static func url(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../NetworkTests/Fixtures/\(name)").standardizedFileURL
    }

    static func network(_ name: String) throws -> NetworkModel {
        try INPReader.parse(String(contentsOf: url(name), encoding: .utf8), fileName: name)
    }

    /// Rows of a CSV file with a header line, as [column: value].
    static func csv(at url: URL) throws -> [[String: String]] {
        let lines = try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline)
        guard let header = lines.first?.split(separator: ",").map(String.init) else { return [] }
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    /// `id,value` columns of a WNTR steady-state CSV.
    static func values(_ url: URL, key: String, value: String) throws -> [String: Double] {
        var result: [String: Double] = [:]
        for row in try csv(at: url) {
            if let id = row[key], let number = row[value].flatMap(Double.init) { result[id] = number }
        }
        return result
    }

    /// WNTR's head drops: burst node -> (node -> drop in m).
    static func drops(_ url: URL) throws -> [String: [String: Double]] {
        var result: [String: [String: Double]] = [:]
        for row in try csv(at: url) {
            guard let burst = row["burst_node"], let node = row["node"], let drop = row["drop_m"].flatMap(Double.init) else { continue }
            result[burst, default: [:]][node] = drop
        }
        return result
    }
}

/// How well a signature model predicts EPANET's head drops.
struct SignatureAccuracy {
    /// Median over bursts of the correlation between predicted and true drops at every junction.
    var medianCorrelation: Double
    /// Median over bursts of the share of candidate junctions whose signature fits the true
    /// drops at the loggers better than the burst node's own (0: the burst node fits best).
    var medianRank: Double
    /// Mean of that share.
    var meanRank: Double

    /// `variants(loggers)` is a signature's `variants(loggerNodes:nodeCount:)`.
    static func measure(network: NetworkModel, drops: [String: [String: Double]], loggers: [Int],
                        variants: ([Int]) -> [[[Double]]]) -> SignatureAccuracy {
        let junctions = network.nodes.indices.filter { network.nodes[$0].kind == .junction }
        let bursts = drops.keys.sorted().compactMap { network.nodeIndex($0) }
        // By reciprocity, the "logger" rows of the bursts are their drop fields.
        let fields = variants(bursts)[0]
        // Each candidate keeps its best variant, as in `CandidateScoring`.
        let loggerVariants = variants(loggers)
        func bestMisfit(_ observed: [Double], _ node: Int) -> Double {
            loggerVariants.map { rows in misfit(observed, rows.map { $0[node] }) }.min() ?? .infinity
        }
        var correlations: [Double] = [], ranks: [Double] = []
        for (position, burst) in bursts.enumerated() {
            let truth = drops[network.nodes[burst].id]!
            let ids = junctions.filter { truth[network.nodes[$0].id] != nil }
            correlations.append(correlation(ids.map { fields[position][$0] }, ids.map { truth[network.nodes[$0].id]! }))
            let observed = loggers.map { truth[network.nodes[$0].id] ?? 0 }
            let own = bestMisfit(observed, burst)
            let count = junctions.count { node in bestMisfit(observed, node) < own - 1e-12 }
            ranks.append(Double(count) / Double(junctions.count))
        }
        return SignatureAccuracy(medianCorrelation: median(correlations), medianRank: median(ranks),
                                 meanRank: ranks.reduce(0, +) / Double(max(ranks.count, 1)))
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
    }

    static func correlation(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my)
            sxx += (a - mx) * (a - mx)
            syy += (b - my) * (b - my)
        }
        return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
    }

    /// RMS residual of drop = a + b·s (b >= 0), as a share of the drops' range: the
    /// localiser's own fit, without its noise weights.
    static func misfit(_ drops: [Double], _ s: [Double]) -> Double {
        let n = Double(drops.count)
        let ms = s.reduce(0, +) / n, md = drops.reduce(0, +) / n
        var sxx = 0.0, sxy = 0.0
        for (a, b) in zip(s, drops) {
            sxx += (a - ms) * (a - ms)
            sxy += (a - ms) * (b - md)
        }
        let slope = sxx > 0 && sxy > 0 ? sxy / sxx : 0
        var sum = 0.0
        for (a, b) in zip(s, drops) {
            let r = b - md - slope * (a - ms)
            sum += r * r
        }
        let range = (drops.max() ?? 0) - (drops.min() ?? 0)
        return range > 0 ? (sum / n).squareRoot() / range : 0
    }
}
