/// What a logger channel measures.
public enum Quantity: String, Sendable, Hashable, CaseIterable {
    case flow
    case pressure

    /// Case-insensitive, surrounding spaces ignored.
    public init?(name: String) {
        let key = name.trimmingASCIIWhitespace().lowercased()
        guard let quantity = Quantity(rawValue: key) else { return nil }
        self = quantity
    }
}

/// Flow units a channel may report in (CONTRACTS section 2). Everything is stored in litres per second.
///
/// A conversion is `value * numerator / denominator` rather than one pre-divided factor, so that
/// round inputs stay round (3.6 m3/h gives exactly 1 l/s, not 0.9999999999999999).
public enum FlowUnit: String, Sendable, Hashable, CaseIterable {
    case litresPerSecond = "l/s"
    case cubicMetresPerHour = "m3/h"
    case megalitresPerDay = "MLD"
    case usGallonsPerMinute = "gpm"

    /// Accepts the contract's spellings and common variants, case-insensitively.
    public init?(name: String) {
        switch name.trimmingASCIIWhitespace().lowercased() {
        case "l/s", "lps", "litres/s", "liters/s", "l s-1": self = .litresPerSecond
        case "m3/h", "m³/h", "m^3/h", "cmh", "m3/hr": self = .cubicMetresPerHour
        case "mld", "megalitres/day", "megaliters/day": self = .megalitresPerDay
        case "gpm", "usgpm", "gal/min": self = .usGallonsPerMinute
        default: return nil
        }
    }

    /// Litres per second = value * numerator / denominator.
    var scale: (numerator: Double, denominator: Double) {
        switch self {
        case .litresPerSecond: (1, 1)
        // 1 m³ = 1000 L and 1 h = 3600 s, both exact by definition (SI).
        case .cubicMetresPerHour: (1000, 3600)
        // 1 ML = 10⁶ L and 1 d = 86 400 s, exact by definition.
        case .megalitresPerDay: (1_000_000, 86_400)
        // 1 US gallon = 231 in³ = 3.785 411 784 L exactly (NIST SP 811 appendix B,
        // NIST Handbook 44 appendix C); per 60 s.
        case .usGallonsPerMinute: (3.785_411_784, 60)
        }
    }

    public func toLitresPerSecond(_ value: Double) -> Double {
        let (numerator, denominator) = scale
        return value * numerator / denominator
    }
}

/// Pressure units a channel may report in (CONTRACTS section 2). Everything is stored in metres of
/// water head: the conventional metre of water column, 1 m = ρ·g·1 m = 1000 kg/m³ × 9.806 65 m/s²
/// = 9806.65 Pa (standard gravity, 3rd CGPM 1901; conventional water density). Real water is a few
/// parts in ten thousand lighter, far below logger accuracy.
public enum PressureUnit: String, Sendable, Hashable, CaseIterable {
    case metres = "m"
    case bar
    case kilopascals = "kPa"
    case poundsPerSquareInch = "psi"

    /// Accepts the contract's spellings and common variants, case-insensitively.
    public init?(name: String) {
        switch name.trimmingASCIIWhitespace().lowercased() {
        case "m", "mh2o", "m h2o", "mwc", "m.w.c.", "metres", "meters": self = .metres
        case "bar": self = .bar
        case "kpa": self = .kilopascals
        case "psi", "psig", "lbf/in2": self = .poundsPerSquareInch
        default: return nil
        }
    }

    /// Metres of head = value * numerator / denominator.
    var scale: (numerator: Double, denominator: Double) {
        switch self {
        case .metres: (1, 1)
        // 1 bar = 100 kPa exactly; 1 kPa = 1 / 9.806 65 m.
        case .bar: (100, 9.806_65)
        case .kilopascals: (1, 9.806_65)
        // 1 psi = 1 lbf/in² = 0.453 592 37 kg × g / (0.0254 m)² (international pound and inch,
        // exact since 1959). Divided by 1000 kg/m³ × g the g cancels:
        // 1 psi = 0.453 592 37 / 0.645 16 m = 0.703 069 58 m.
        case .poundsPerSquareInch: (0.453_592_37, 0.645_16)
        }
    }

    public func toMetres(_ value: Double) -> Double {
        let (numerator, denominator) = scale
        return value * numerator / denominator
    }
}

/// The unit registered for one channel; its quantity follows from it.
public enum ChannelUnit: Sendable, Hashable, CustomStringConvertible {
    case flow(FlowUnit)
    case pressure(PressureUnit)

    public var quantity: Quantity {
        switch self {
        case .flow: .flow
        case .pressure: .pressure
        }
    }

    /// Converts a raw reading to l/s (flow) or metres of head (pressure).
    public func toSI(_ value: Double) -> Double {
        switch self {
        case .flow(let unit): unit.toLitresPerSecond(value)
        case .pressure(let unit): unit.toMetres(value)
        }
    }

    /// The unit stored values are in: "l/s" or "m".
    public var siSymbol: String {
        switch self {
        case .flow: FlowUnit.litresPerSecond.rawValue
        case .pressure: PressureUnit.metres.rawValue
        }
    }

    public var description: String {
        switch self {
        case .flow(let unit): unit.rawValue
        case .pressure(let unit): unit.rawValue
        }
    }
}
