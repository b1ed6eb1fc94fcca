/// A reading checked against the registry, in l/s (flow) or metres of head (pressure).
/// Flow keeps the sign the logger wrote; the channel's DMA sign is applied when summing a DMA.
public struct NormalizedReading: Sendable, Hashable {
    public var loggerID: String
    public var channel: String
    /// Epoch microseconds, UTC.
    public var timestamp: Int64
    public var valueSI: Double
    public var dma: String

    public init(loggerID: String, channel: String, timestamp: Int64, valueSI: Double, dma: String) {
        self.loggerID = loggerID
        self.channel = channel
        self.timestamp = timestamp
        self.valueSI = valueSI
        self.dma = dma
    }
}

/// A file's readings that passed the registry, and every row refused so far (parse and registry),
/// in line order.
public struct ValidatedReadings: Sendable, Hashable {
    public var readings: [NormalizedReading]
    public var rowErrors: [RowError]

    public init(readings: [NormalizedReading], rowErrors: [RowError]) {
        self.readings = readings
        self.rowErrors = rowErrors
    }
}

extension LoggerRegistry {
    /// Any value beyond ±1e7 in l/s or m is a fault, not a measurement: 10⁷ l/s is 10 000 m³/s,
    /// a large river's discharge and orders of magnitude beyond any water main; 10⁷ m of head is
    /// 100 GPa. Storing it would wreck every statistic computed over the channel.
    public static let implausibleMagnitude = 1e7
    /// Gauge pressure cannot fall below -1 atm ≈ -10.33 m of water (a perfect vacuum); a reading
    /// below -10 m is a sensor or scaling fault.
    public static let lowestPlausiblePressure = -10.0

    /// Looks up each reading's channel, converts it to SI and checks it is physically possible.
    /// Rejects the file when no row survives.
    public func validate(_ parsed: ParsedFile) throws(FileRejection) -> ValidatedReadings {
        var readings: [NormalizedReading] = []
        readings.reserveCapacity(parsed.readings.count)
        var newErrors: [RowError] = []
        // Files usually hold one channel's rows: reuse the previous lookup while the ids repeat.
        var previous: ChannelSpec?
        for reading in parsed.readings {
            let spec: ChannelSpec?
            if let previous, previous.loggerID == reading.loggerID, previous.channel == reading.channel {
                spec = previous
            } else {
                spec = self.spec(loggerID: reading.loggerID, channel: reading.channel)
                previous = spec
            }
            switch normalize(reading, spec: spec) {
            case .success(let normalized): readings.append(normalized)
            case .failure(let error): newErrors.append(error)
            }
        }
        let rowErrors = newErrors.isEmpty ? parsed.rowErrors : (parsed.rowErrors + newErrors).sorted { $0.line < $1.line }
        guard !readings.isEmpty else { throw FileRejection.noValidRows(rowErrors) }
        return ValidatedReadings(readings: readings, rowErrors: rowErrors)
    }

    /// One reading; a failure is a row error naming the reading's line.
    public func normalize(_ reading: Reading) -> Result<NormalizedReading, RowError> {
        normalize(reading, spec: spec(loggerID: reading.loggerID, channel: reading.channel))
    }

    private func normalize(_ reading: Reading, spec: ChannelSpec?) -> Result<NormalizedReading, RowError> {
        func error(_ reason: String) -> Result<NormalizedReading, RowError> {
            .failure(RowError(line: reading.line, reason: reason))
        }
        guard let spec else {
            let logger = Excerpt.quoted(reading.loggerID)
            let channel = Excerpt.quoted(reading.channel)
            guard isKnownLogger(reading.loggerID) else { return error("unknown logger \(logger) / channel \(channel)") }
            let registered = channelNames(ofLogger: reading.loggerID).joined(separator: ", ")
            return error("unknown channel \(channel) for logger \(logger) (registered: \(registered))")
        }
        let value = spec.unit.toSI(reading.value)
        guard value.isFinite, value.magnitude <= Self.implausibleMagnitude else {
            return error("implausible value \(reading.value) \(spec.unit): beyond ±1e7 \(spec.unit.siSymbol)")
        }
        if spec.quantity == .pressure && value < Self.lowestPlausiblePressure {
            return error("implausible pressure \(reading.value) \(spec.unit) = \(value) m: below -10 m, beyond a vacuum")
        }
        return .success(NormalizedReading(loggerID: spec.loggerID, channel: spec.channel,
                                          timestamp: reading.timestamp, valueSI: value, dma: spec.dma))
    }
}
