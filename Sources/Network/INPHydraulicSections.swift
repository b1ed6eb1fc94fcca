/// [CURVES] and [STATUS], and the pump parameters that refer to curves: what a
/// steady-state hydraulic solve needs beyond the layout.
extension NetworkBuilder {
    /// `ID X Y`; consecutive rows of one id make one curve, in the order given.
    mutating func readCurvePoint(_ line: INPLine) throws(NetworkParseError) {
        try requireFieldCount(line, section: "CURVES", 3...3, layout: "curve ID, x, y")
        let id = line.fields[0]
        let subject = "curve \"\(id)\""
        let x = try number(line, field: 1, named: "x", of: subject)
        let y = try number(line, field: 2, named: "y", of: subject)
        curves[id, default: []].append((x, y))
    }

    /// The keyword-value pairs after a pump's nodes: HEAD curve, POWER, SPEED, PATTERN
    /// (a pattern of speeds over time; a steady state at base conditions ignores it).
    /// A HEAD curve the file does not define leaves the curve empty rather than
    /// rejecting the file: the layout is still usable, and EPANET input written by
    /// other tools often carries such pumps.
    func pumpParameters(_ line: INPLine, subject: String) throws(NetworkParseError) -> PumpParameters {
        var curveID: String?
        var power: Double?
        var speed = 1.0
        for field in stride(from: 3, to: line.fields.count, by: 2) {
            guard field + 1 < line.fields.count else {
                throw error(line, "\(subject): \(line.fields[field]) has no value")
            }
            switch line.fields[field].uppercased() {
            case "HEAD":
                curveID = line.fields[field + 1]
            case "POWER":
                power = try positiveNumber(line, field: field + 1, named: "power", of: subject)
            case "SPEED":
                speed = try number(line, field: field + 1, named: "speed", of: subject)
                guard speed >= 0 else { throw error(line, "\(subject): speed must not be negative, is \(line.fields[field + 1])") }
            case "PATTERN":
                break
            default:
                throw error(line, "\(subject): \"\(line.fields[field])\" is not HEAD, POWER, SPEED or PATTERN")
            }
        }
        let kilowatts = power.map { $0 * (flowUnits.isUSCustomary ? Self.kilowattsPerHorsepower : 1) }
        return PumpParameters(headCurveID: curveID, headCurve: curveID.map(headCurve) ?? [],
                              powerKW: kilowatts, speed: speed)
    }

    /// A curve's rows as a pump head curve, converted; empty if the file has no such curve.
    private func headCurve(_ id: String) -> [HeadCurvePoint] {
        var points: [HeadCurvePoint] = []
        for row in curves[id] ?? [] {
            points.append(HeadCurvePoint(flowLps: row.x * flowUnits.litresPerSecondPerUnit,
                                         headM: row.y * flowUnits.metresPerLengthUnit))
        }
        return points
    }

    static let kilowattsPerHorsepower = 0.745699872
    /// EPANET's own factor (PSIperFT = 0.4333), so settings match what EPANET computes.
    static let metresPerPSI = 0.3048 / 0.4333

    /// A valve's setting field in the model's units (see `Link.valveSetting`).
    func valveSetting(_ line: INPLine, type: String, subject: String) throws(NetworkParseError) -> Double? {
        switch type {
        case "GPV", "PCV":
            return nil  // GPV names a head-loss curve; PCV's setting is a percentage opening
        default:
            let value = try number(line, field: 5, named: "setting", of: subject)
            switch type {
            case "PRV", "PSV", "PBV":
                return value * (flowUnits.isUSCustomary ? Self.metresPerPSI : 1)
            case "FCV":
                return value * flowUnits.litresPerSecondPerUnit
            default:
                return value
            }
        }
    }

    /// `link ID, OPEN | CLOSED | CV | number`: a link's initial status, or a pump's speed
    /// or a valve's setting.
    mutating func readStatus(_ line: INPLine) throws(NetworkParseError) {
        try requireFieldCount(line, section: "STATUS", 2...2, layout: "link ID, status or setting")
        let subject = "status"
        let index = try linkIndex(line.fields[0], referredToBy: subject, at: line)
        let link = links[index]
        let value = line.fields[1]
        if let status = Self.linkStatus(value), status != .checkValve {
            updateLink(index) { link in
                link.initialStatus = status
                if link.kind == .valve { link.valveSetting = nil }
            }
            return
        }
        let number = try number(line, field: 1, named: "setting", of: "status of \(link.kind.rawValue) \"\(link.id)\"")
        switch link.kind {
        case .pump:
            guard number >= 0 else { throw error(line, "status of pump \"\(link.id)\": speed must not be negative, is \(value)") }
            updateLink(index) { link in
                link.pump?.speed = number
                link.initialStatus = number == 0 ? .closed : .open
            }
        case .valve:
            let type = link.valveType ?? ""
            let setting = try valveSetting(INPLine(number: line.number, fields: ["", "", "", "", "", value]),
                                           type: type, subject: "status of valve \"\(link.id)\"")
            updateLink(index) { $0.valveSetting = setting }
        case .pipe:
            throw error(line, "status of pipe \"\(link.id)\": \"\(value)\" is not Open or Closed")
        }
    }
}
