/// [PIPES], [PUMPS] and [VALVES]: the links, converted to metres.
extension NetworkBuilder {
    mutating func readPipe(_ line: INPLine) throws(NetworkParseError) {
        let layout = "ID, node 1, node 2, length, diameter, roughness[, minor loss][, status]"
        try requireFieldCount(line, section: "PIPES", 6...8, layout: layout)
        let id = line.fields[0]
        let subject = "pipe \"\(id)\""
        let from = try nodeIndex(line.fields[1], referredToBy: subject, at: line)
        let to = try nodeIndex(line.fields[2], referredToBy: subject, at: line)
        let length = try positiveNumber(line, field: 3, named: "length", of: subject)
        let diameter = try positiveNumber(line, field: 4, named: "diameter", of: subject)
        let roughness = try positiveNumber(line, field: 5, named: "roughness", of: subject)
        // EPANET allows the status in the 7th field when the minor loss is left out.
        var minorLoss = 0.0
        var status = Link.Status.open
        if line.fields.count == 7, let onlyStatus = Self.linkStatus(line.fields[6]) {
            status = onlyStatus
        } else if line.fields.count >= 7 {
            minorLoss = try number(line, field: 6, named: "minor loss", of: subject)
            if line.fields.count == 8 {
                guard let given = Self.linkStatus(line.fields[7]) else {
                    throw error(line, "\(subject): status \"\(line.fields[7])\" is not Open, Closed or CV")
                }
                status = given
            }
        }
        try addLink(Link(id: id, kind: .pipe, from: from, to: to,
                         lengthM: length * flowUnits.metresPerLengthUnit,
                         diameterM: diameter * flowUnits.metresPerDiameterUnit,
                         roughness: roughness, minorLoss: minorLoss, initialStatus: status), at: line)
    }

    mutating func readPump(_ line: INPLine) throws(NetworkParseError) {
        // The rest of the line: HEAD curve, POWER, SPEED, PATTERN ([CURVES] is read first).
        try requireFieldCount(line, section: "PUMPS", atLeast: 4, layout: "ID, node 1, node 2, parameters")
        let id = line.fields[0]
        let subject = "pump \"\(id)\""
        let from = try nodeIndex(line.fields[1], referredToBy: subject, at: line)
        let to = try nodeIndex(line.fields[2], referredToBy: subject, at: line)
        // Assigned after construction: passing the parameters to `Link.init` in this
        // typed-throwing function was miscompiled by Swift 6.3.1 in debug builds (the
        // curve's points were lost and the test process crashed freeing them).
        var pump = Link(id: id, kind: .pump, from: from, to: to, lengthM: 0, diameterM: 0)
        pump.pump = try pumpParameters(line, subject: subject)
        if pump.pump?.speed == 0 { pump.initialStatus = .closed }
        try addLink(pump, at: line)
    }

    static let valveTypes: Set<String> = ["PRV", "PSV", "PBV", "FCV", "TCV", "GPV", "PCV"]

    mutating func readValve(_ line: INPLine) throws(NetworkParseError) {
        // EPANET 2.3's PCV adds a curve id after the minor loss.
        let layout = "ID, node 1, node 2, diameter, type, setting[, minor loss[, curve]]"
        try requireFieldCount(line, section: "VALVES", 6...8, layout: layout)
        let id = line.fields[0]
        let subject = "valve \"\(id)\""
        let from = try nodeIndex(line.fields[1], referredToBy: subject, at: line)
        let to = try nodeIndex(line.fields[2], referredToBy: subject, at: line)
        let diameter = try positiveNumber(line, field: 3, named: "diameter", of: subject)
        let type = line.fields[4].uppercased()
        guard Self.valveTypes.contains(type) else {
            throw error(line, "\(subject): type \"\(line.fields[4])\" is not one of \(Self.valveTypes.sorted().joined(separator: ", "))")
        }
        let setting = try valveSetting(line, type: type, subject: subject)
        let minorLoss = try optionalNumber(line, field: 6, named: "minor loss", of: subject) ?? 0
        try addLink(Link(id: id, kind: .valve, from: from, to: to, lengthM: 0,
                         diameterM: diameter * flowUnits.metresPerDiameterUnit,
                         minorLoss: minorLoss, valveType: type, valveSetting: setting), at: line)
    }

    static func linkStatus(_ keyword: String) -> Link.Status? {
        switch keyword.uppercased() {
        case "OPEN": return .open
        case "CLOSED": return .closed
        case "CV": return .checkValve
        default: return nil
        }
    }
}
