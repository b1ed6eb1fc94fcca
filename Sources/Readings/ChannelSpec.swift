/// One row of loggers.csv: a logger channel, what it measures and where (CONTRACTS section 2).
public struct ChannelSpec: Sendable, Hashable {
    public var loggerID: String
    public var channel: String
    /// A link id for flow, a node id for pressure (EPANET ids).
    public var element: String
    public var dma: String
    /// +1 when a positive flow reading flows into the DMA, -1 when out of it; nil for pressure.
    public var sign: Double?
    public var unit: ChannelUnit

    public var quantity: Quantity { unit.quantity }
    public var key: ChannelKey { ChannelKey(loggerID: loggerID, channel: channel) }

    public init(loggerID: String, channel: String, element: String, dma: String, sign: Double?, unit: ChannelUnit) {
        self.loggerID = loggerID
        self.channel = channel
        self.element = element
        self.dma = dma
        self.sign = sign
        self.unit = unit
    }
}

/// Identifies a channel: a reading's (logger, channel) pair.
public struct ChannelKey: Sendable, Hashable, CustomStringConvertible {
    public var loggerID: String
    public var channel: String

    public init(loggerID: String, channel: String) {
        self.loggerID = loggerID
        self.channel = channel
    }

    /// `logger_id/channel`, the spelling window-complete messages use for missing channels.
    public var description: String { "\(loggerID)/\(channel)" }
}
