/// Accumulates nodes and links while the reader works through the sections, keeping
/// the id lookups and checks (duplicates, unknown references) in one place so every
/// section reports them the same way.
struct NetworkBuilder {
    let fileName: String
    var flowUnits: FlowUnits = .epanetDefault
    var headlossFormula: HeadlossFormula = .hazenWilliams
    private(set) var nodes: [Node] = []
    private(set) var links: [Link] = []
    private var nodeIndexByID: [String: Int] = [:]
    private var linkIndexByID: [String: Int] = [:]
    private var nodeDefinitionLine: [Int] = []
    private var linkDefinitionLine: [Int] = []
    /// [CURVES] rows by curve id, in the file's units (what x and y mean depends on the
    /// curve's use; a pump's HEAD curve is converted when the pump is read).
    var curves: [String: [(x: Double, y: Double)]] = [:]

    init(fileName: String) {
        self.fileName = fileName
    }

    func error(_ line: INPLine, _ reason: String) -> NetworkParseError {
        NetworkParseError(fileName: fileName, line: line.number, reason: reason)
    }

    mutating func addNode(_ node: Node, at line: INPLine) throws(NetworkParseError) {
        // `""` is a field, and EPANET requires an id; an empty one cannot be referred to.
        guard !node.id.isEmpty else { throw error(line, "\(node.kind.rawValue) with an empty id") }
        // Each number was finite as written, but a huge one can overflow in the unit conversion.
        guard node.elevationM.isFinite, node.baseDemandLps.isFinite, node.fixedHeadM?.isFinite ?? true else {
            throw error(line, "\(node.kind.rawValue) \"\(node.id)\": a value is too large once converted to metres and litres per second")
        }
        if let existing = nodeIndexByID[node.id] {
            throw error(line, "duplicate node id \"\(node.id)\" (first defined on line \(nodeDefinitionLine[existing]))")
        }
        nodeIndexByID[node.id] = nodes.count
        nodes.append(node)
        nodeDefinitionLine.append(line.number)
    }

    mutating func addLink(_ link: Link, at line: INPLine) throws(NetworkParseError) {
        guard !link.id.isEmpty else { throw error(line, "\(link.kind.rawValue) with an empty id") }
        guard link.lengthM.isFinite, link.diameterM.isFinite else {
            throw error(line, "\(link.kind.rawValue) \"\(link.id)\": a value is too large once converted to metres")
        }
        if let existing = linkIndexByID[link.id] {
            throw error(line, "duplicate link id \"\(link.id)\" (first defined on line \(linkDefinitionLine[existing]))")
        }
        if link.from == link.to {
            throw error(line, "\(link.kind.rawValue) \"\(link.id)\" starts and ends at the same node \"\(nodes[link.from].id)\"")
        }
        linkIndexByID[link.id] = links.count
        links.append(link)
        linkDefinitionLine.append(line.number)
    }

    /// `subject` names who refers, e.g. `pipe "P-12"`.
    func nodeIndex(_ id: String, referredToBy subject: String, at line: INPLine) throws(NetworkParseError) -> Int {
        guard let index = nodeIndexByID[id] else {
            throw error(line, "\(subject) refers to unknown node \"\(id)\"")
        }
        return index
    }

    func linkIndex(_ id: String, referredToBy subject: String, at line: INPLine) throws(NetworkParseError) -> Int {
        guard let index = linkIndexByID[id] else {
            throw error(line, "\(subject) refers to unknown link \"\(id)\"")
        }
        return index
    }

    mutating func updateNode(_ index: Int, _ change: (inout Node) -> Void) {
        change(&nodes[index])
    }

    mutating func updateLink(_ index: Int, _ change: (inout Link) -> Void) {
        change(&links[index])
    }

    func model() -> NetworkModel {
        NetworkModel(nodes: nodes, links: links, flowUnits: flowUnits, headlossFormula: headlossFormula)
    }
}
