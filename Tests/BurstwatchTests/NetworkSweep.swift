@testable import Detection
import Foundation
import Testing
import WaterNetwork

/// Measurement over a folder of networks, not part of the suite's checks: does every .inp
/// file load, solve its operating point and give an area, and how long does that take? For
/// networks burstwatch was never shown (EPyT's collection: `python3 tools/scenarios/fetch_networks.py`
/// caches some; the whole wheel holds about forty).
///
///     BURSTWATCH_SWEEP_NETWORKS=~/.cache/burstwatch/networks swift test --filter NetworkSweep
///
/// Per file it prints the node and link counts, the time to parse and to build the localiser,
/// whether the operating point fell back on the linear signature (and why), and whether a
/// burst a third of the way through the junctions, seen noise-free at ten loggers spread over
/// them, is inside its area. A file that does not parse must say where and why.
@Suite struct NetworkSweep {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["BURSTWATCH_SWEEP_NETWORKS"] != nil))
    func sweep() throws {
        let folder = ProcessInfo.processInfo.environment["BURSTWATCH_SWEEP_NETWORKS"]!
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".inp") }.sorted()
        for file in files {
            let clock = ContinuousClock()
            let begin = clock.now
            let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file))
            let network: NetworkModel
            do {
                network = try INPReader.parse(String(decoding: data, as: UTF8.self), fileName: file)
            } catch {
                print("\(file): refused: \(error)")
                #expect("\(error)".contains("line"), "\(file): the error names no line")
                continue
            }
            let graph = NetworkGraph(model: network)
            let parsed = clock.now - begin
            let localiser = Localiser(network: network, graph: graph)
            let built = clock.now - begin
            let junctions = network.nodes.indices.filter { network.nodes[$0].kind == .junction }
            guard junctions.count >= 4 else {
                print("\(file): \(junctions.count) junctions, nothing to localise")
                continue
            }
            let loggers = Array(stride(from: 0, to: junctions.count, by: max(1, junctions.count / 10))
                .map { junctions[$0] }.prefix(10))
            let operatingPoint = OperatingPointSignature(network: network, linear: nil)
            let burst = junctions[junctions.count / 3]
            let rows = operatingPoint.variants(loggerNodes: loggers, nodeCount: network.nodes.count).first ?? []
            let evidence = loggers.enumerated().map { k, node in
                PressureEvidence(loggerID: "L\(k)", nodeID: network.nodes[node].id,
                                 dropM: rows.isEmpty ? 0 : rows[k][burst] * 0.01, sigmaM: 0.01)
            }
            let area = localiser.localise(evidence: evidence, flowIncreaseLps: 10)
            #expect(!area.nodes.isEmpty, "\(file): no area")
            print("\(file): \(network.nodes.count) nodes, \(network.links.count) links; parsed in \(parsed), "
                  + "localiser built in \(built), operating point \(operatingPoint.fallbackReason ?? "solved"); "
                  + "burst \(area.nodes.contains(network.nodes[burst].id) ? "inside" : "outside") its area of "
                  + "\(area.nodes.count) nodes, in \(clock.now - begin) in all")
        }
    }
}
