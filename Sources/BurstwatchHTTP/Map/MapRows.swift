/// What the map reads from PostgreSQL, one value per row, before it is turned into the
/// page's JSON. Timestamps are ISO 8601 UTC text, as the store formats them.

/// A row of `networks`: a registered EPANET model, kept as its .inp text.
public struct MapNetworkRow: Sendable, Equatable {
    public var name: String
    public var inp: String
    /// Changes whenever `burstwatch register` replaces the model; keys the parse cache.
    public var updatedAt: String

    public init(name: String, inp: String, updatedAt: String) {
        self.name = name
        self.inp = inp
        self.updatedAt = updatedAt
    }
}

/// A row of `loggers`: one channel of a logger and the element it measures.
public struct MapLoggerRow: Sendable, Equatable {
    public var loggerID: String
    public var channel: String
    /// `flow` (element is a link) or `pressure` (element is a node).
    public var quantity: String
    public var element: String
    public var dma: String
    public var unit: String
    /// The network the element belongs to; nil when the registry named none.
    public var network: String?

    public init(loggerID: String, channel: String, quantity: String, element: String, dma: String,
                unit: String, network: String?) {
        self.loggerID = loggerID
        self.channel = channel
        self.quantity = quantity
        self.element = element
        self.dma = dma
        self.unit = unit
        self.network = network
    }
}

/// A row of `burst_events` that is not closed, with the network its DMA's loggers
/// refer to.
public struct MapEventRow: Sendable, Equatable {
    public var eventID: String
    public var dma: String
    public var state: String
    public var openedAt: String
    public var detectedAt: String
    public var startEstimate: String?
    public var flowIncreaseLps: Double?
    public var confidence: Double?
    /// The `area_of_interest` column as JSON text (burst-event/v1's area), or nil.
    public var areaJSON: String?
    public var network: String?

    public init(eventID: String, dma: String, state: String, openedAt: String, detectedAt: String,
                startEstimate: String?, flowIncreaseLps: Double?, confidence: Double?, areaJSON: String?,
                network: String?) {
        self.eventID = eventID
        self.dma = dma
        self.state = state
        self.openedAt = openedAt
        self.detectedAt = detectedAt
        self.startEstimate = startEstimate
        self.flowIncreaseLps = flowIncreaseLps
        self.confidence = confidence
        self.areaJSON = areaJSON
        self.network = network
    }
}
