import Foundation
import Testing
@testable import Detection
import Readings
import WaterNetwork

/// A trunk main (reservoir R, junction T) feeding two DMAs, each a side × side grid of
/// junctions 100 m apart: A through meter pipe MA (T → A0_0, sign +1) and B through MB,
/// drawn the other way (B0_0 → T, so a positive reading leaves B: sign -1). A shut boundary
/// valve pipe joins the far corners of the two grids, as DMAs are made in practice.
private func twoDMANetwork(side: Int = 4) throws -> NetworkModel {
    try INPReader.parse(twoDMAText(side: side), fileName: "two-dmas.inp")
}

private func twoDMAText(side: Int = 4) -> String {
    var text = "[OPTIONS]\nUnits LPS\nHeadloss H-W\n[RESERVOIRS]\nR 80\n[JUNCTIONS]\nT 10 0\n"
    var pipes = "[PIPES]\nPT R T 50 600 120\nMA T A0_0 50 300 120\nMB B0_0 T 50 300 120\n"
    let far = side - 1
    pipes += "SHUT A\(far)_\(far) B\(far)_\(far) 100 200 100 0 Closed\n"
    for dma in ["A", "B"] {
        for row in 0..<side {
            for column in 0..<side {
                text += "\(dma)\(row)_\(column) 10 1\n"
                if column + 1 < side { pipes += "\(dma)H\(row)_\(column) \(dma)\(row)_\(column) \(dma)\(row)_\(column + 1) 100 200 100\n" }
                if row + 1 < side { pipes += "\(dma)V\(row)_\(column) \(dma)\(row)_\(column) \(dma)\(row + 1)_\(column) 100 200 100\n" }
            }
        }
    }
    return text + pipes
}

private func registry(extra: [ChannelSpec] = []) throws -> LoggerRegistry {
    let litres = ChannelUnit.flow(.litresPerSecond), metres = ChannelUnit.pressure(.metres)
    var channels = [
        ChannelSpec(loggerID: "FM-A", channel: "flow", element: "MA", dma: "A", sign: 1, unit: litres),
        ChannelSpec(loggerID: "FM-B", channel: "flow", element: "MB", dma: "B", sign: -1, unit: litres),
    ]
    for dma in ["A", "B"] {
        for (position, node) in ["1_1", "1_3", "3_1", "3_3", "2_2"].enumerated() {
            channels.append(ChannelSpec(loggerID: "PL-\(dma)\(position)", channel: "pressure", element: "\(dma)\(node)",
                                        dma: dma, sign: nil, unit: metres))
        }
    }
    return try LoggerRegistry(channels: channels + extra)
}

@Suite struct DMARegionTests {
    @Test func aDMAIsWhatItsMetersAndShutValvesClose() throws {
        let network = try twoDMANetwork()
        let graph = NetworkGraph(model: network)
        let registry = try registry()
        for (dma, other) in [("A", "B"), ("B", "A")] {
            let region = try #require(DMARegion(dma: dma, registry: registry, graph: graph))
            let inside = Set(network.nodes.indices.filter { region.contains[$0] }.map { network.nodes[$0].id })
            #expect(inside == Set(network.nodes.map(\.id).filter { $0.hasPrefix(dma) }), "DMA \(dma)")
            #expect(!inside.contains("T") && !inside.contains("R") && !inside.contains { $0.hasPrefix(other) })
            // A 4 × 4 grid has 24 pipes of 100 m; the meter and the shut valve are not inside.
            #expect(abs(region.pipeLengthM - 2_400) < 1e-6)
        }
    }

    @Test func anOpenBoundaryWidensTheRegionInsteadOfLosingTheBurst() throws {
        // The shut valve left open: A and B are one region for each (a superset, never a miss).
        let text = twoDMAText().replacingOccurrences(of: " Closed", with: " Open")
        let network = try INPReader.parse(text, fileName: "open-boundary.inp")
        let region = try #require(DMARegion(dma: "A", registry: registry(), graph: NetworkGraph(model: network)))
        #expect(region.contains[network.nodeIndex("B2_2")!] && !region.contains[network.nodeIndex("T")!])
    }

    @Test func aDMAWhoseMetersAreNotInTheNetworkHasNoRegion() throws {
        let graph = NetworkGraph(model: try twoDMANetwork())
        let stray = ChannelSpec(loggerID: "FM-C", channel: "flow", element: "NOT-A-PIPE", dma: "C", sign: 1,
                                unit: .flow(.litresPerSecond))
        #expect(DMARegion(dma: "C", registry: try registry(extra: [stray]), graph: graph) == nil)
        #expect(DMARegion(dma: "unknown", registry: try registry(), graph: graph) == nil)
    }

    /// Evidence a burst in A gives A's loggers (A's pressure falls; B's loggers are not
    /// asked): the restricted localiser's area holds the burst and stays in A.
    @Test(arguments: ["A2_1", "A3_3", "A0_2"])
    func theAreaStaysInTheDMAWhoseInflowRose(burst: String) throws {
        let network = try twoDMANetwork()
        let graph = NetworkGraph(model: network)
        let registry = try registry()
        let localiser = Localiser(network: network, graph: graph).restricted(toDMA: "A", registry: registry)
        let region = try #require(localiser.region)
        let loggers = registry.channels(inDMA: "A", quantity: .pressure)
        let sized = modelEvidence(network: network, burst: burst, loggerNodes: loggers.map(\.element), sigmaM: 0.02,
                                  seed: 1, rows: OperatingPointSignature(network: network))
        let evidence = sized.evidence
        let area = localiser.localise(evidence: evidence, flowIncreaseLps: sized.flowLps)
        #expect(area.nodes.contains(burst))
        #expect(area.nodes.allSatisfy { $0.hasPrefix("A") })
        #expect(localiser.burstProbabilities(evidence: evidence).indices.allSatisfy {
            region.contains[$0] || localiser.burstProbabilities(evidence: evidence)[$0] == 0
        })
    }

    /// With no shape in the evidence (every logger fell alike) the area is as wide as the
    /// cap allows, and the cap is a share of the DMA's pipes, not of the network's.
    @Test func withFlatEvidenceTheAreaIsCappedByTheDMAsPipeLength() throws {
        let network = try twoDMANetwork(side: 8)
        let graph = NetworkGraph(model: network)
        let channels = try registry().channels.filter { $0.dma == "A" }.map {
            var spec = $0
            if spec.quantity == .pressure { spec.element = spec.element.replacingOccurrences(of: "3", with: "6") }
            return spec
        }
        let registry = try LoggerRegistry(channels: channels)
        let localiser = Localiser(network: network, graph: graph).restricted(toDMA: "A", registry: registry)
        let region = try #require(localiser.region)
        let evidence = registry.channels(inDMA: "A", quantity: .pressure).map {
            PressureEvidence(loggerID: $0.loggerID, nodeID: $0.element, dropM: 0.5, sigmaM: 0.02)
        }
        let area = localiser.localise(evidence: evidence, flowIncreaseLps: 5)
        #expect(area.nodes.allSatisfy { $0.hasPrefix("A") })
        #expect(area.pipeLengthM <= localiser.settings.maxShareOfPipeLength * region.pipeLengthM + 1e-6)
        #expect(area.pipeLengthM > localiser.settings.maxShareOfPipeLength * region.pipeLengthM - 200)  // filled up to the cap
        #expect(region.pipeLengthM < 0.5 * graph.totalPipeLengthM)
    }
}
