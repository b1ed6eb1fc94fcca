import Foundation
import Testing
@testable import Detection
import WaterNetwork

@Suite struct OperatingPointSignatureTests {
    /// The ten pressure loggers of the Net3 development scenarios.
    static let net3Loggers = ["229", "101", "131", "166", "125", "219", "145", "205", "115", "15"]

    /// Against EPANET's head drops for bursts of 5 % of the total demand at 30 random
    /// junctions of Net3 (tools/hydraulics_check.py drops), the operating-point signature
    /// predicts the shape of the drop better than the linear one.
    @Test func predictsEPANETsDropsBetterThanTheLinearSignatureOnNet3() throws {
        let network = try HydraulicsFixtures.network("net3.inp")
        let drops = try HydraulicsFixtures.drops(HydraulicsFixtures.url("wntr/net3-drops.csv"))
        #expect(drops.count == 30)
        let loggers = Self.net3Loggers.map { network.nodeIndex($0)! }
        let operatingPoint = OperatingPointSignature(network: network)
        #expect(operatingPoint.fallbackReason == nil)
        let new = SignatureAccuracy.measure(network: network, drops: drops, loggers: loggers) {
            operatingPoint.variants(loggerNodes: $0, nodeCount: network.nodes.count)
        }
        let linear = LinearHydraulicSignature(network: network)
        let old = SignatureAccuracy.measure(network: network, drops: drops, loggers: loggers) {
            linear.variants(loggerNodes: $0, nodeCount: network.nodes.count)
        }
        #expect(new.medianCorrelation > old.medianCorrelation, "new \(new), old \(old)")
        #expect(new.meanRank < old.meanRank, "new \(new), old \(old)")
    }

    /// Reciprocity holds (the Jacobian is symmetric) and fixed heads show no drop.
    @Test func signatureIsReciprocalAndZeroAtFixedHeads() throws {
        let network = try HydraulicsFixtures.network("net3.inp")
        let nodes = ["15", "219", "101"].map { network.nodeIndex($0)! }
        let rows = OperatingPointSignature(network: network).variants(loggerNodes: nodes, nodeCount: network.nodes.count)[0]
        for a in nodes.indices {
            for b in nodes.indices {
                #expect(abs(rows[a][nodes[b]] - rows[b][nodes[a]]) <= 1e-9 * max(abs(rows[a][nodes[b]]), 1e-12))
            }
        }
        #expect(rows[0][network.nodeIndex("Lake")!] == 0 && rows[0][network.nodeIndex("1")!] == 0)
        #expect(rows.allSatisfy { $0.allSatisfy { $0.isFinite && $0 >= -1e-12 } })
    }

    /// A pump naming an undefined curve: no operating point, the linear signature instead.
    @Test func fallsBackToTheLinearSignatureWhenTheSolveFails() throws {
        let network = try INPReader.parse("""
            [OPTIONS]
            Units LPS
            [RESERVOIRS]
            R 100
            [JUNCTIONS]
            A 0 1
            B 0 1
            [PUMPS]
            PU R A HEAD missing
            [PIPES]
            P A B 100 100 100
            """)
        let signature = OperatingPointSignature(network: network)
        #expect(signature.fallbackReason?.contains("missing") == true)
        let loggers = [network.nodeIndex("B")!]
        #expect(signature.variants(loggerNodes: loggers, nodeCount: 3)
                == LinearHydraulicSignature(network: network).variants(loggerNodes: loggers, nodeCount: 3))
    }

    /// An active PRV holds its downstream head: a burst upstream of it leaves the zone
    /// behind it unmoved, and a burst in that zone does not reach upstream.
    @Test func activePressureReducingValveIsolatesItsZone() throws {
        let network = try INPReader.parse("""
            [OPTIONS]
            Units LPS
            [RESERVOIRS]
            R 60
            [JUNCTIONS]
            A 0 2
            J 10
            K 10 5
            [PIPES]
            P1 R A 1000 200 100
            P2 J K 1000 200 100
            [VALVES]
            V A J 200 PRV 20
            """)
        let nodes = ["A", "K"].map { network.nodeIndex($0)! }
        let rows = OperatingPointSignature(network: network).variants(loggerNodes: nodes, nodeCount: 4)[0]
        #expect(rows[0][nodes[0]] > 0 && rows[1][nodes[1]] > 0)
        #expect(rows[0][nodes[1]] == 0 && rows[1][nodes[0]] == 0)
    }

    /// Measurement, not a check: set BURSTWATCH_HYDRAULICS_CHECK to a directory holding
    /// NAME.inp, NAME-drops.csv (tools/hydraulics_check.py drops) and NAME-loggers.csv (a
    /// scenario's loggers.csv) for each NAME in BURSTWATCH_HYDRAULICS_NETWORKS (comma-
    /// separated), and it prints the accuracy of the linear signature and of the
    /// operating-point one at several velocity floors.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["BURSTWATCH_HYDRAULICS_CHECK"] != nil))
    func measureSignatureAccuracy() throws {
        let environment = ProcessInfo.processInfo.environment
        let directory = URL(fileURLWithPath: environment["BURSTWATCH_HYDRAULICS_CHECK"]!)
        let names = (environment["BURSTWATCH_HYDRAULICS_NETWORKS"] ?? "net1,net3,ky4,ky10,net6").split(separator: ",").map(String.init)
        let floors = (environment["BURSTWATCH_HYDRAULICS_FLOORS"] ?? "0.01,0.03,0.1,0.3,1").split(separator: ",").compactMap { Double($0) }
        for name in names {
            let network = try INPReader.parse(String(contentsOf: directory.appendingPathComponent("\(name).inp"), encoding: .utf8))
            let drops = try HydraulicsFixtures.drops(directory.appendingPathComponent("\(name)-drops.csv"))
            let loggers = try HydraulicsFixtures.csv(at: directory.appendingPathComponent("\(name)-loggers.csv"))
                .filter { $0["quantity"] == "pressure" }.compactMap { $0["element"].flatMap(network.nodeIndex) }
            let linear = LinearHydraulicSignature(network: network)
            let old = SignatureAccuracy.measure(network: network, drops: drops, loggers: loggers) {
                linear.variants(loggerNodes: $0, nodeCount: network.nodes.count)
            }
            print(String(format: "%@ linear: correlation %.3f, rank median %.3f mean %.3f (%d loggers)",
                         name, old.medianCorrelation, old.medianRank, old.meanRank, loggers.count))
            for floor in floors {
                let signature = OperatingPointSignature(network: network, floorVelocityMps: floor)
                let new = SignatureAccuracy.measure(network: network, drops: drops, loggers: loggers) {
                    signature.variants(loggerNodes: $0, nodeCount: network.nodes.count)
                }
                print(String(format: "%@ operating point, floor %.2f m/s: correlation %.3f, rank median %.3f mean %.3f%@",
                             name, floor, new.medianCorrelation, new.medianRank, new.meanRank,
                             signature.fallbackReason.map { " (fallback: \($0))" } ?? ""))
            }
            let operatingPoint = OperatingPointSignature(network: network)
            let both = SignatureAccuracy.measure(network: network, drops: drops, loggers: loggers) {
                operatingPoint.variants(loggerNodes: $0, nodeCount: network.nodes.count)
                    + linear.variants(loggerNodes: $0, nodeCount: network.nodes.count)
            }
            print(String(format: "%@ both as variants: rank median %.3f mean %.3f", name, both.medianRank, both.meanRank))
            // The finite burst, not the tangent: one full solve per candidate with the
            // burst's own size (what a secant linearisation would approach at best). Slow:
            // set BURSTWATCH_HYDRAULICS_NONLINEAR only for small sets. Its correlation is
            // only indicative (a finite burst is not exactly reciprocal); the rank is exact.
            if environment["BURSTWATCH_HYDRAULICS_NONLINEAR"] != nil {
                let rows = try HydraulicsFixtures.csv(at: directory.appendingPathComponent("\(name)-drops.csv"))
                let size = rows.first.flatMap { $0["extra_lps"] }.flatMap(Double.init) ?? 1
                let hydraulics = SteadyStateHydraulics(network: network)
                let base = try #require(hydraulics.solve().state)
                var field = [[Double]](repeating: [], count: network.nodes.count)   // burst node -> drops
                for node in network.nodes.indices where network.nodes[node].kind == .junction {
                    let heads = hydraulics.solve(extraDemandLps: [node: size]).state?.headsM ?? base.headsM
                    field[node] = zip(base.headsM, heads).map { $0 - $1 }
                }
                let finite = SignatureAccuracy.measure(network: network, drops: drops, loggers: loggers) { at in
                    // rows[k][n]: drop at `at[k]` for a burst at n, and fields by reciprocity's stand-in
                    [at.map { k in network.nodes.indices.map { n in field[n].isEmpty ? 0 : field[n][k] } }]
                }
                print(String(format: "%@ finite burst (%.1f l/s), full solves: correlation %.3f, rank median %.3f mean %.3f",
                             name, size, finite.medianCorrelation, finite.medianRank, finite.meanRank))
            }
        }
    }
}
