/// Sections that add to nodes and links already defined: [OPTIONS] (units, read first),
/// [COORDINATES], [VERTICES], [DEMANDS], [EMITTERS].
extension NetworkBuilder {
    mutating func readOption(_ line: INPLine) throws(NetworkParseError) {
        // Option names may be several words ("Demand Multiplier"); only single-word ones
        // matter here, so the first field decides.
        switch line.fields[0].uppercased() {
        case "UNITS":
            guard line.fields.count >= 2 else { throw error(line, "Units option has no value") }
            guard let units = FlowUnits(keyword: line.fields[1]) else {
                let known = FlowUnits.allCases.map(\.rawValue).joined(separator: ", ")
                throw error(line, "unknown flow units \"\(line.fields[1])\" (expected one of \(known))")
            }
            flowUnits = units
        case "HEADLOSS":
            guard line.fields.count >= 2 else { throw error(line, "Headloss option has no value") }
            guard let formula = HeadlossFormula(keyword: line.fields[1]) else {
                throw error(line, "unknown headloss formula \"\(line.fields[1])\" (expected H-W, D-W or C-M)")
            }
            headlossFormula = formula
        default:
            break
        }
    }

    mutating func readCoordinates(_ line: INPLine) throws(NetworkParseError) {
        try requireFieldCount(line, section: "COORDINATES", 3...3, layout: "node ID, x, y")
        let subject = "coordinates"
        let node = try nodeIndex(line.fields[0], referredToBy: subject, at: line)
        let x = try number(line, field: 1, named: "x", of: subject)
        let y = try number(line, field: 2, named: "y", of: subject)
        updateNode(node) { $0.position = Point(x: x, y: y) }
    }

    mutating func readVertex(_ line: INPLine) throws(NetworkParseError) {
        try requireFieldCount(line, section: "VERTICES", 3...3, layout: "link ID, x, y")
        let subject = "vertex"
        let link = try linkIndex(line.fields[0], referredToBy: subject, at: line)
        let x = try number(line, field: 1, named: "x", of: subject)
        let y = try number(line, field: 2, named: "y", of: subject)
        updateLink(link) { $0.vertices.append(Point(x: x, y: y)) }
    }

    /// EPANET: the first [DEMANDS] entry of a junction replaces the demand given in
    /// [JUNCTIONS]; further entries add to it. `replaced` tracks which were replaced.
    mutating func readDemand(_ line: INPLine, replaced: inout Set<Int>) throws(NetworkParseError) {
        try requireFieldCount(line, section: "DEMANDS", 2...3, layout: "junction ID, demand[, pattern]")
        let subject = "demand"
        let node = try junctionIndex(line.fields[0], referredToBy: subject, at: line)
        let demand = try number(line, field: 1, named: "demand", of: subject) * flowUnits.litresPerSecondPerUnit
        let isFirst = replaced.insert(node).inserted
        let total = isFirst ? demand : nodes[node].baseDemandLps + demand
        guard total.isFinite else {
            throw error(line, "demand of junction \"\(line.fields[0])\" is too large once converted to litres per second")
        }
        updateNode(node) { $0.baseDemandLps = total }
    }

    mutating func readEmitter(_ line: INPLine) throws(NetworkParseError) {
        try requireFieldCount(line, section: "EMITTERS", 2...2, layout: "junction ID, coefficient")
        let subject = "emitter"
        let node = try junctionIndex(line.fields[0], referredToBy: subject, at: line)
        let coefficient = try number(line, field: 1, named: "coefficient", of: subject)
        updateNode(node) { $0.emitterCoefficient = coefficient }
    }

    private func junctionIndex(_ id: String, referredToBy subject: String, at line: INPLine) throws(NetworkParseError) -> Int {
        let index = try nodeIndex(id, referredToBy: subject, at: line)
        guard nodes[index].kind == .junction else {
            throw error(line, "\(subject) refers to \(nodes[index].kind.rawValue) \"\(id)\", expected a junction")
        }
        return index
    }
}
