import Readings

/// A burst-event/v1 message (CONTRACTS section 3). Times are epoch microseconds in memory and
/// ISO 8601 UTC strings (`2026-03-24T04:00:00Z`) in JSON.
public struct BurstEvent: Sendable, Equatable, Codable {
    public static let schemaName = "burst-event/v1"

    public enum State: String, Sendable, Codable, CaseIterable {
        case opened, updated, closed
    }

    public var eventID: String
    public var state: State
    public var dma: String
    /// Data time: the end of the window that raised the event (never wall time).
    public var detectedAt: Int64
    /// When it was published. The detector is pure and sets it to `detectedAt`; whoever
    /// publishes sets the wall time.
    public var publishedAt: Int64
    public var startEstimate: Int64
    public var flowIncreaseLps: Double
    /// 0…1.
    public var confidence: Double
    /// Nil when there is nothing to localise with (no network or no pressure loggers);
    /// encoded as JSON null.
    public var areaOfInterest: AreaOfInterest?

    public init(eventID: String, state: State, dma: String, detectedAt: Int64, publishedAt: Int64,
                startEstimate: Int64, flowIncreaseLps: Double, confidence: Double,
                areaOfInterest: AreaOfInterest?) {
        self.eventID = eventID
        self.state = state
        self.dma = dma
        self.detectedAt = detectedAt
        self.publishedAt = publishedAt
        self.startEstimate = startEstimate
        self.flowIncreaseLps = flowIncreaseLps
        self.confidence = confidence
        self.areaOfInterest = areaOfInterest
    }

    /// `burst.<dma>.<state>`, the routing key on the alerts exchange.
    public var routingKey: String { "burst.\(dma).\(state.rawValue)" }

    enum CodingKeys: String, CodingKey {
        case schema
        case eventID = "event_id"
        case state, dma
        case detectedAt = "detected_at"
        case publishedAt = "published_at"
        case startEstimate = "start_estimate"
        case flowIncreaseLps = "flow_increase_lps"
        case confidence
        case areaOfInterest = "area_of_interest"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.schemaName, forKey: .schema)
        try container.encode(eventID, forKey: .eventID)
        try container.encode(state, forKey: .state)
        try container.encode(dma, forKey: .dma)
        try container.encode(ISOTimestamp.format(detectedAt), forKey: .detectedAt)
        try container.encode(ISOTimestamp.format(publishedAt), forKey: .publishedAt)
        try container.encode(ISOTimestamp.format(startEstimate), forKey: .startEstimate)
        try container.encode(flowIncreaseLps, forKey: .flowIncreaseLps)
        try container.encode(confidence, forKey: .confidence)
        if let areaOfInterest {
            try container.encode(areaOfInterest, forKey: .areaOfInterest)
        } else {
            try container.encodeNil(forKey: .areaOfInterest)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let schema = try container.decode(String.self, forKey: .schema)
        guard schema == Self.schemaName else {
            throw DecodingError.dataCorruptedError(forKey: .schema, in: container,
                                                   debugDescription: "expected schema \(Self.schemaName), got \(schema)")
        }
        func time(_ key: CodingKeys) throws -> Int64 {
            let text = try container.decode(String.self, forKey: key)
            do {
                return try ISOTimestamp.parse(text)
            } catch {
                throw DecodingError.dataCorruptedError(forKey: key, in: container,
                                                       debugDescription: "bad timestamp \(text): \(error)")
            }
        }
        eventID = try container.decode(String.self, forKey: .eventID)
        state = try container.decode(State.self, forKey: .state)
        dma = try container.decode(String.self, forKey: .dma)
        detectedAt = try time(.detectedAt)
        publishedAt = try time(.publishedAt)
        startEstimate = try time(.startEstimate)
        flowIncreaseLps = try container.decode(Double.self, forKey: .flowIncreaseLps)
        confidence = try container.decode(Double.self, forKey: .confidence)
        areaOfInterest = try container.decodeIfPresent(AreaOfInterest.self, forKey: .areaOfInterest)
    }
}

/// Event ids are derived, not random: the same DMA and start window always give the same id,
/// so the live detector and `eval` agree, and a re-run after a crash re-sends the same id
/// (which subscribers can de-duplicate) instead of inventing a second burst.
public enum BurstEventID {
    /// 32 hex digits: the first 128 bits of SHA-256("burst-event/v1|<dma>|<start window ISO>").
    public static func make(dma: String, startWindow: Int64) -> String {
        let text = "\(BurstEvent.schemaName)|\(dma)|\(ISOTimestamp.format(startWindow))"
        return String(SHA256.hexDigest(Array(text.utf8)).prefix(32))
    }
}
