import WaterNetwork

/// The evidence resolved against the network: node indices, drops and noise, with
/// unusable entries (unknown node, non-finite values, noise not > 0) left out because
/// one bad logger must not stop localisation.
struct LoggerObservations: Sendable {
    var nodes: [Int] = []
    var dropsM: [Double] = []
    var sigmasM: [Double] = []
    var commonModeGains: [Double] = []

    init(evidence: [PressureEvidence], network: NetworkModel) {
        for item in evidence {
            guard let node = network.nodeIndex(item.nodeID), item.dropM.isFinite,
                  item.sigmaM.isFinite, item.sigmaM > 0 else { continue }
            nodes.append(node)
            dropsM.append(item.dropM)
            sigmasM.append(item.sigmaM)
            commonModeGains.append(item.commonModeGain.isFinite ? item.commonModeGain : 0)
        }
    }

    var count: Int { nodes.count }

    /// Each logger's noise with the signature model's own error added in quadrature;
    /// that error scales with the size of the drop pattern (max - min over loggers).
    func sigmasWithModelError(share: Double) -> [Double] {
        guard let highest = dropsM.max(), let lowest = dropsM.min() else { return [] }
        let modelError = share * (highest - lowest)
        return sigmasM.map { ($0 * $0 + modelError * modelError).squareRoot() }
    }
}
