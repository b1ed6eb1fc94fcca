/// What a steady-state hydraulic solve needs beyond the network's layout: pump curves,
/// valve settings and tank geometry. Values are in metres and litres per second, like
/// the rest of the model.

/// One point of a pump's head curve.
public struct HeadCurvePoint: Sendable, Equatable {
    public var flowLps: Double
    public var headM: Double

    public init(flowLps: Double, headM: Double) {
        self.flowLps = flowLps
        self.headM = headM
    }
}

/// A pump's [PUMPS] parameters. EPANET gives a pump either a head curve (HEAD) or a
/// constant power (POWER); the speed setting scales either (affinity laws).
public struct PumpParameters: Sendable, Equatable {
    /// The id the file names after HEAD; nil when the pump has none.
    public var headCurveID: String?
    /// The points of that curve, converted; empty when the pump has no HEAD curve or the
    /// file does not define the curve it names (the reader does not reject such a file,
    /// a hydraulic solve reports the pump as unmodelled).
    public var headCurve: [HeadCurvePoint]
    /// Constant power in kilowatts (POWER; horsepower in US-unit files, converted).
    public var powerKW: Double?
    /// Relative speed (SPEED), 1 unless given.
    public var speed: Double

    public init(headCurveID: String? = nil, headCurve: [HeadCurvePoint] = [], powerKW: Double? = nil,
                speed: Double = 1) {
        self.headCurveID = headCurveID
        self.headCurve = headCurve
        self.powerKW = powerKW
        self.speed = speed
    }
}

/// A tank's levels and size from [TANKS] (the initial level is in `Node.fixedHeadM`).
public struct TankGeometry: Sendable, Equatable {
    public var minimumLevelM: Double
    public var maximumLevelM: Double
    public var diameterM: Double

    public init(minimumLevelM: Double, maximumLevelM: Double, diameterM: Double) {
        self.minimumLevelM = minimumLevelM
        self.maximumLevelM = maximumLevelM
        self.diameterM = diameterM
    }
}
