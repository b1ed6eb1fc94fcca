import Foundation

/// Scores candidate burst nodes by how well their predicted signature explains the
/// observed drops, and turns the scores into probabilities.
///
/// For candidate n with signature s (one value per logger), fit drop_i = a + b·s_i by
/// least squares weighted with 1/sigma_i². The free offset a absorbs what all loggers
/// share (tank levels, a source's pressure, a network-wide demand change), and b >= 0
/// absorbs the unknown burst size; only the *shape* of the drop across loggers decides.
/// The misfit chi²_n = Syy·(1 - r²) is the weighted Pearson correlation r in
/// disguise, in units of the noise.
enum CandidateScoring {
    /// chi² of each node (index = node); `.infinity` for nodes that are not candidates.
    /// `variants[v][k][n]`: alternative signatures; each candidate keeps its best.
    static func misfits(drops: [Double], sigmas: [Double], variants: [[[Double]]],
                        candidates: [Int], nodeCount: Int) -> [Double] {
        let weights = sigmas.map { 1 / ($0 * $0) }
        let totalWeight = weights.reduce(0, +)
        var result = [Double](repeating: .infinity, count: nodeCount)
        guard totalWeight > 0 else {
            for node in candidates { result[node] = 0 }
            return result
        }
        let meanDrop = zip(weights, drops).reduce(0) { $0 + $1.0 * $1.1 } / totalWeight
        let centredDrops = drops.map { $0 - meanDrop }
        let dropSpread = zip(weights, centredDrops).reduce(0) { $0 + $1.0 * $1.1 * $1.1 }
        for node in candidates {
            var best = dropSpread   // b = 0: the constant-only fit
            for signatures in variants {
                let s = signatures.map { $0[node] }
                let meanS = zip(weights, s).reduce(0) { $0 + $1.0 * $1.1 } / totalWeight
                var sxx = 0.0, sxy = 0.0
                for k in s.indices {
                    let centred = s[k] - meanS
                    sxx += weights[k] * centred * centred
                    sxy += weights[k] * centred * centredDrops[k]
                }
                // b > 0 only: a burst lowers pressure most where it is predicted to.
                if sxx > 0 && sxy > 0 {
                    best = min(best, dropSpread - sxy * sxy / sxx)
                }
            }
            result[node] = max(best, 0)
        }
        return result
    }

    /// Probabilities ∝ exp(-chi² / 2T) over the candidates (non-candidates get 0).
    ///
    /// T = 1 when the best candidate fits within the stated noise. When even the best
    /// misfit is larger than its degrees of freedom allow, the signature model or the
    /// noise estimate is off, and T = reduced chi² widens the probabilities accordingly
    /// instead of trusting a wrong model with false precision.
    static func probabilities(misfits: [Double], loggerCount: Int) -> [Double] {
        guard let best = misfits.min(), best.isFinite else { return misfits.map { _ in 0 } }
        let degreesOfFreedom = Double(max(loggerCount - 2, 1))
        let temperature = max(1, best / degreesOfFreedom)
        var weights = misfits.map { $0.isFinite ? exp(-($0 - best) / (2 * temperature)) : 0 }
        let total = weights.reduce(0, +)
        for index in weights.indices { weights[index] /= total }
        return weights
    }
}
