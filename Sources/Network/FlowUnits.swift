/// The flow units named by `Units` in an EPANET [OPTIONS] section.
///
/// EPANET ties the unit system of every other quantity to the flow units: with US
/// customary flow units, lengths and elevations are in feet and diameters in inches;
/// with SI flow units, lengths are in metres and diameters in millimetres.
public enum FlowUnits: String, Sendable, CaseIterable, Codable {
    // US customary
    case cfs = "CFS", gpm = "GPM", mgd = "MGD", imgd = "IMGD", afd = "AFD"
    // SI (CMS is EPANET 2.3's cubic metres per second)
    case lps = "LPS", lpm = "LPM", mld = "MLD", cmh = "CMH", cmd = "CMD", cms = "CMS"

    /// EPANET's default when [OPTIONS] names no units.
    public static let epanetDefault: FlowUnits = .gpm

    /// Parses a `Units` value case-insensitively ("gpm", "GPM").
    public init?(keyword: String) {
        self.init(rawValue: keyword.uppercased())
    }

    public var isUSCustomary: Bool {
        switch self {
        case .cfs, .gpm, .mgd, .imgd, .afd: return true
        case .lps, .lpm, .mld, .cmh, .cmd, .cms: return false
        }
    }

    /// Multiply a flow in these units by this to get litres per second.
    public var litresPerSecondPerUnit: Double {
        switch self {
        case .cfs: return 28.316846592                  // 1 ft³ = 28.316846592 L
        case .gpm: return 3.785411784 / 60              // US gallon
        case .mgd: return 3.785411784e6 / 86_400
        case .imgd: return 4.54609e6 / 86_400           // imperial gallon
        case .afd: return 1_233_481.83754752 / 86_400   // acre-foot
        case .lps: return 1
        case .lpm: return 1.0 / 60
        case .mld: return 1e6 / 86_400
        case .cmh: return 1000.0 / 3600
        case .cmd: return 1000.0 / 86_400
        case .cms: return 1000
        }
    }

    /// Multiply a length or elevation in the file's units (feet or metres) by this to get metres.
    public var metresPerLengthUnit: Double {
        isUSCustomary ? 0.3048 : 1
    }

    /// Multiply a diameter in the file's units (inches or millimetres) by this to get metres.
    public var metresPerDiameterUnit: Double {
        isUSCustomary ? 0.0254 : 0.001
    }
}

/// The head-loss formula named by `Headloss` in [OPTIONS]; it fixes what a pipe's
/// roughness value means (a Hazen-Williams C, a Darcy-Weisbach roughness height in
/// millifeet or millimetres, or a Chezy-Manning n).
public enum HeadlossFormula: String, Sendable, Codable {
    case hazenWilliams = "H-W", darcyWeisbach = "D-W", chezyManning = "C-M"

    public init?(keyword: String) {
        self.init(rawValue: keyword.uppercased())
    }
}
