/// [JUNCTIONS], [RESERVOIRS] and [TANKS]: the nodes, converted to metres and l/s.
extension NetworkBuilder {
    mutating func readJunction(_ line: INPLine) throws(NetworkParseError) {
        try requireFieldCount(line, section: "JUNCTIONS", 2...4, layout: "ID, elevation[, demand[, pattern]]")
        let id = line.fields[0]
        let subject = "junction \"\(id)\""
        let elevation = try number(line, field: 1, named: "elevation", of: subject)
        let demand = try optionalNumber(line, field: 2, named: "demand", of: subject) ?? 0
        try addNode(Node(id: id, kind: .junction,
                         elevationM: elevation * flowUnits.metresPerLengthUnit,
                         baseDemandLps: demand * flowUnits.litresPerSecondPerUnit), at: line)
    }

    mutating func readReservoir(_ line: INPLine) throws(NetworkParseError) {
        try requireFieldCount(line, section: "RESERVOIRS", 2...3, layout: "ID, head[, pattern]")
        let id = line.fields[0]
        let head = try number(line, field: 1, named: "head", of: "reservoir \"\(id)\"") * flowUnits.metresPerLengthUnit
        try addNode(Node(id: id, kind: .reservoir, elevationM: head, fixedHeadM: head), at: line)
    }

    mutating func readTank(_ line: INPLine) throws(NetworkParseError) {
        let layout = "ID, elevation, initial level, minimum level, maximum level, diameter[, minimum volume[, volume curve[, overflow]]]"
        try requireFieldCount(line, section: "TANKS", 6...9, layout: layout)
        let id = line.fields[0]
        let subject = "tank \"\(id)\""
        let elevation = try number(line, field: 1, named: "elevation", of: subject)
        let initialLevel = try number(line, field: 2, named: "initial level", of: subject)
        let minimumLevel = try number(line, field: 3, named: "minimum level", of: subject)
        let maximumLevel = try number(line, field: 4, named: "maximum level", of: subject)
        let diameter = try number(line, field: 5, named: "diameter", of: subject)
        let metres = flowUnits.metresPerLengthUnit
        let geometry = TankGeometry(minimumLevelM: minimumLevel * metres, maximumLevelM: maximumLevel * metres,
                                    diameterM: diameter * metres)
        guard geometry.minimumLevelM.isFinite, geometry.maximumLevelM.isFinite, geometry.diameterM.isFinite else {
            throw error(line, "\(subject): a value is too large once converted to metres")
        }
        try addNode(Node(id: id, kind: .tank, elevationM: elevation * metres,
                         fixedHeadM: (elevation + initialLevel) * metres, tank: geometry), at: line)
    }
}
