/// What one pressure logger says about a burst: how far its pressure fell below what
/// was expected, and how noisy that figure is.
public struct PressureEvidence: Sendable, Equatable {
    public var loggerID: String
    /// The network node the logger sits on.
    public var nodeID: String
    /// Expected minus observed pressure in metres, averaged since the burst's estimated
    /// start; positive = pressure fell.
    public var dropM: Double
    /// The noise level of `dropM` in metres (its standard deviation), > 0.
    public var sigmaM: Double
    /// How strongly this logger follows the DMA's common mode (`PressureModel`): the drop is
    /// what is left after that share of the loggers' median change was taken out, so a burst
    /// felt by every logger shows only in part. 0: no common mode was taken out.
    public var commonModeGain: Double

    public init(loggerID: String, nodeID: String, dropM: Double, sigmaM: Double, commonModeGain: Double = 0) {
        self.loggerID = loggerID
        self.nodeID = nodeID
        self.dropM = dropM
        self.sigmaM = sigmaM
        self.commonModeGain = commonModeGain
    }
}
