/// The registered logger channels, with the lookups ingestion and detection need.
public struct LoggerRegistry: Sendable {
    /// In the order they were registered (file order for a parsed loggers.csv).
    public let channels: [ChannelSpec]
    private let indexByKey: [ChannelKey: Int]
    private let indicesByDMA: [String: [Int]]
    private let channelNamesByLogger: [String: [String]]

    /// Fails when two specs share a (logger, channel) pair.
    public init(channels: [ChannelSpec]) throws(RegistryError) {
        var indexByKey: [ChannelKey: Int] = [:]
        var indicesByDMA: [String: [Int]] = [:]
        var channelNamesByLogger: [String: [String]] = [:]
        var problems: [RegistryError.Problem] = []
        for (index, spec) in channels.enumerated() {
            if let earlier = indexByKey[spec.key] {
                problems.append(.init(line: nil, reason:
                    "duplicate channel \(spec.key) (entries \(earlier + 1) and \(index + 1))"))
                continue
            }
            indexByKey[spec.key] = index
            indicesByDMA[spec.dma, default: []].append(index)
            channelNamesByLogger[spec.loggerID, default: []].append(spec.channel)
        }
        guard problems.isEmpty else { throw RegistryError(problems: problems) }
        self.channels = channels
        self.indexByKey = indexByKey
        self.indicesByDMA = indicesByDMA
        self.channelNamesByLogger = channelNamesByLogger
    }

    /// O(1) lookup of a channel.
    public func spec(loggerID: String, channel: String) -> ChannelSpec? {
        spec(for: ChannelKey(loggerID: loggerID, channel: channel))
    }

    public func spec(for key: ChannelKey) -> ChannelSpec? {
        indexByKey[key].map { channels[$0] }
    }

    /// The DMA names, sorted.
    public var dmaNames: [String] { indicesByDMA.keys.sorted() }

    /// The channels of one DMA in registration order, optionally only those of one quantity.
    public func channels(inDMA dma: String, quantity: Quantity? = nil) -> [ChannelSpec] {
        let specs = (indicesByDMA[dma] ?? []).map { channels[$0] }
        guard let quantity else { return specs }
        return specs.filter { $0.quantity == quantity }
    }

    /// Whether any channel of this logger is registered (lets errors tell an unknown logger
    /// from a known logger with an unknown channel).
    public func isKnownLogger(_ loggerID: String) -> Bool {
        channelNamesByLogger[loggerID] != nil
    }

    /// The channel names registered for a logger, in registration order.
    public func channelNames(ofLogger loggerID: String) -> [String] {
        channelNamesByLogger[loggerID] ?? []
    }
}

/// Why a registry could not be built: every problem found, each with its line where there is one.
public struct RegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// 1-based line in loggers.csv (counting the header), nil for specs not read from a file.
        public var line: Int?
        public var reason: String

        public init(line: Int?, reason: String) {
            self.line = line
            self.reason = reason
        }

        public var description: String {
            line.map { "line \($0): \(reason)" } ?? reason
        }
    }

    public var problems: [Problem]

    public init(problems: [Problem]) {
        self.problems = problems
    }

    public var description: String {
        "logger registry: " + problems.map(\.description).joined(separator: "; ")
    }
}
