/// A node of the network. All lengths are in metres and flows in litres per second,
/// whatever units the input file used.
public struct Node: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case junction, reservoir, tank
    }

    public var id: String
    public var kind: Kind
    /// Ground elevation; for a reservoir, its fixed total head (EPANET stores it there too).
    public var elevationM: Double
    /// Sum of the junction's base demands (0 for reservoirs and tanks). Demands listed in
    /// [DEMANDS] replace the one given in [JUNCTIONS], as in EPANET.
    public var baseDemandLps: Double
    /// EPANET emitter coefficient, in the file's own flow and pressure units (0: none).
    public var emitterCoefficient: Double
    /// The head a reservoir holds, or a tank's initial head (elevation + initial level);
    /// nil for junctions. Lets a hydraulic model treat them as fixed heads.
    public var fixedHeadM: Double?
    /// From [COORDINATES]; nil when the file gives none for this node.
    public var position: Point?
    /// A tank's levels and diameter; nil for junctions and reservoirs.
    public var tank: TankGeometry?

    public init(id: String, kind: Kind, elevationM: Double, baseDemandLps: Double = 0,
                emitterCoefficient: Double = 0, fixedHeadM: Double? = nil, position: Point? = nil,
                tank: TankGeometry? = nil) {
        self.tank = tank
        self.id = id
        self.kind = kind
        self.elevationM = elevationM
        self.baseDemandLps = baseDemandLps
        self.emitterCoefficient = emitterCoefficient
        self.fixedHeadM = fixedHeadM
        self.position = position
    }

    public var x: Double? { position?.x }
    public var y: Double? { position?.y }
}

/// A link of the network: a pipe, pump or valve between two nodes (by index into
/// `NetworkModel.nodes`).
public struct Link: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case pipe, pump, valve
    }

    public enum Status: String, Sendable, Codable {
        case open, closed, checkValve
    }

    public var id: String
    public var kind: Kind
    public var from: Int
    public var to: Int
    /// Pipe length; 0 for pumps and valves (EPANET gives them none).
    public var lengthM: Double
    /// Internal diameter; 0 for pumps.
    public var diameterM: Double
    /// In the meaning of the network's `HeadlossFormula`, unconverted; 0 for pumps and valves.
    public var roughness: Double
    public var minorLoss: Double
    /// The status the file gives in [PIPES] or [STATUS] (pumps and valves: open unless
    /// [STATUS] closes them).
    public var initialStatus: Status
    /// PRV, PSV, PBV, FCV, TCV, GPV (or PCV) for valves; nil otherwise.
    public var valveType: String?
    /// Interior bend points from [VERTICES], in order from `from` to `to`.
    public var vertices: [Point]
    /// A pump's curve or power and speed; nil for pipes and valves.
    public var pump: PumpParameters?
    /// A valve's setting, converted: PRV, PSV and PBV a pressure in metres, FCV a flow
    /// in l/s, TCV a loss coefficient. nil for pipes, pumps, GPV and PCV valves, and for
    /// a valve that [STATUS] fixes open or closed (it then acts as an open or closed link).
    public var valveSetting: Double?

    public init(id: String, kind: Kind, from: Int, to: Int, lengthM: Double, diameterM: Double,
                roughness: Double = 0, minorLoss: Double = 0, initialStatus: Status = .open,
                valveType: String? = nil, vertices: [Point] = [], pump: PumpParameters? = nil,
                valveSetting: Double? = nil) {
        self.pump = pump
        self.valveSetting = valveSetting
        self.id = id
        self.kind = kind
        self.from = from
        self.to = to
        self.lengthM = lengthM
        self.diameterM = diameterM
        self.roughness = roughness
        self.minorLoss = minorLoss
        self.initialStatus = initialStatus
        self.valveType = valveType
        self.vertices = vertices
    }
}

/// A water network as read from an EPANET input file: nodes, links, and the units the
/// file was written in (values are already converted to metres and litres per second).
public struct NetworkModel: Sendable, Equatable {
    public private(set) var nodes: [Node]
    public private(set) var links: [Link]
    public var flowUnits: FlowUnits
    public var headlossFormula: HeadlossFormula
    private var nodeIndexByID: [String: Int]
    private var linkIndexByID: [String: Int]

    /// Node ids must be unique among nodes and link ids among links, and every link's
    /// `from`/`to` must index `nodes` (a programming error otherwise; the reader checks
    /// these with line-numbered errors before it gets here).
    public init(nodes: [Node], links: [Link], flowUnits: FlowUnits = .lps,
                headlossFormula: HeadlossFormula = .hazenWilliams) {
        var nodeIndexByID: [String: Int] = [:]
        for (index, node) in nodes.enumerated() {
            precondition(nodeIndexByID.updateValue(index, forKey: node.id) == nil, "duplicate node id \(node.id)")
        }
        var linkIndexByID: [String: Int] = [:]
        for (index, link) in links.enumerated() {
            precondition(linkIndexByID.updateValue(index, forKey: link.id) == nil, "duplicate link id \(link.id)")
            precondition(nodes.indices.contains(link.from) && nodes.indices.contains(link.to),
                         "link \(link.id) refers to a node index out of range")
        }
        self.nodes = nodes
        self.links = links
        self.flowUnits = flowUnits
        self.headlossFormula = headlossFormula
        self.nodeIndexByID = nodeIndexByID
        self.linkIndexByID = linkIndexByID
    }

    public func nodeIndex(_ id: String) -> Int? { nodeIndexByID[id] }
    public func linkIndex(_ id: String) -> Int? { linkIndexByID[id] }

    public func node(_ id: String) -> Node? { nodeIndexByID[id].map { nodes[$0] } }
    public func link(_ id: String) -> Link? { linkIndexByID[id].map { links[$0] } }

    public var junctionCount: Int { nodes.count { $0.kind == .junction } }
    public var reservoirCount: Int { nodes.count { $0.kind == .reservoir } }
    public var tankCount: Int { nodes.count { $0.kind == .tank } }
    public var pipeCount: Int { links.count { $0.kind == .pipe } }
    public var pumpCount: Int { links.count { $0.kind == .pump } }
    public var valveCount: Int { links.count { $0.kind == .valve } }

    /// Total length of the pipes (pumps and valves have none).
    public var totalPipeLengthM: Double {
        links.reduce(0) { $0 + ($1.kind == .pipe ? $1.lengthM : 0) }
    }
}
