/// Anything that turns pressure evidence into an area of interest. The detector depends on
/// this rather than on `Localiser` itself so that it runs without a network (and tests can
/// pass a stand-in).
public protocol BurstLocalising: Sendable {
    /// `operation`: what the DMA's meters measured just before the burst (nil: unknown).
    func localise(evidence: [PressureEvidence], flowIncreaseLps: Double, operation: MeasuredOperation?) -> AreaOfInterest
}

extension Localiser: BurstLocalising {}
