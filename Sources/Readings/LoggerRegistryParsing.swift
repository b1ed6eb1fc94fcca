extension LoggerRegistry {
    /// Columns of loggers.csv (CONTRACTS section 2), in any order, header required.
    public static let columns = ["logger_id", "channel", "quantity", "element", "dma", "sign", "unit"]

    /// Parses loggers.csv. Collects every problem before failing, so one run lists all fixes.
    public static func parse(csv text: String) throws(RegistryError) -> LoggerRegistry {
        var copy = text
        let result: Result<[ChannelSpec], RegistryError> = copy.withUTF8 { parseSpecs($0) }
        return try LoggerRegistry(channels: result.get())
    }

    private static func parseSpecs(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<[ChannelSpec], RegistryError> {
        var problems: [RegistryError.Problem] = []
        var specs: [ChannelSpec] = []
        var firstLineOfKey: [ChannelKey: Int] = [:]
        var columnIndex: [String: Int]?
        var lines = PhysicalLines(bytes)

        while let line = lines.next() {
            if line.isBlank { continue }
            func problem(_ reason: String) { problems.append(.init(line: line.number, reason: reason)) }
            let fields: [String]
            switch CSVLine.strings(of: UnsafeBufferPointer(rebasing: bytes[line.range])) {
            case .success(let split): fields = split
            case .failure(let splitProblem): problem(splitProblem.description); continue
            }
            guard let columns = columnIndex else {
                switch headerColumns(fields) {
                case .success(let found): columnIndex = found
                case .failure(let header):
                    problem(header.reason)
                    return .failure(RegistryError(problems: problems))
                }
                continue
            }
            guard fields.count == columns.count else {
                problem("expected \(columns.count) columns, found \(fields.count)")
                continue
            }
            func field(_ name: String) -> String { columns[name].map { fields[$0] } ?? "" }
            switch channelSpec(field) {
            case .success(let spec):
                if let earlier = firstLineOfKey[spec.key] {
                    problem("duplicate channel \(spec.key) (first on line \(earlier))")
                } else {
                    firstLineOfKey[spec.key] = line.number
                    specs.append(spec)
                }
            case .failure(let rowProblems):
                rowProblems.reasons.forEach(problem)
            }
        }
        if columnIndex == nil { problems.append(.init(line: nil, reason: "empty file: header required")) }
        else if specs.isEmpty && problems.isEmpty { problems.append(.init(line: nil, reason: "no channels after the header")) }
        return problems.isEmpty ? .success(specs) : .failure(RegistryError(problems: problems))
    }

    private static func headerColumns(_ fields: [String]) -> Result<[String: Int], HeaderProblem> {
        let expected = columns.joined(separator: ",")
        var index: [String: Int] = [:]
        for (position, field) in fields.enumerated() {
            let name = field.lowercased()
            guard columns.contains(name) else {
                return .failure(HeaderProblem("header required (\(expected)); unexpected column \(Excerpt.quoted(field))"))
            }
            guard index[name] == nil else { return .failure(HeaderProblem("column \(name) appears twice in the header")) }
            index[name] = position
        }
        let missing = columns.filter { index[$0] == nil }
        guard missing.isEmpty else {
            return .failure(HeaderProblem("header lacks \(missing.joined(separator: ", ")) (expected \(expected))"))
        }
        return .success(index)
    }

    /// Every problem of one row, or its spec.
    private static func channelSpec(_ field: (String) -> String) -> Result<ChannelSpec, RowProblems> {
        var reasons: [String] = []
        for name in ["logger_id", "channel", "element", "dma"] where field(name).isEmpty {
            reasons.append("empty \(name)")
        }
        let quantityText = field("quantity")
        let unitText = field("unit")
        let signText = field("sign")
        var unit: ChannelUnit?
        var sign: Double?
        switch Quantity(name: quantityText) {
        case nil:
            reasons.append("unknown quantity \(Excerpt.quoted(quantityText)) (use flow or pressure)")
        case .flow?:
            if let flowUnit = FlowUnit(name: unitText) { unit = .flow(flowUnit) } else {
                reasons.append("unknown flow unit \(Excerpt.quoted(unitText)) (use l/s, m3/h, MLD or gpm)")
            }
            // Written as 1 or -1 (also +1, 1.0): anything else is a typo, not a weighting.
            if let written = Double(signText), written == 1 || written == -1 {
                sign = written
            } else {
                reasons.append("bad sign \(Excerpt.quoted(signText)) for a flow channel (use 1 for flow into the DMA, -1 for out of it)")
            }
        case .pressure?:
            if let pressureUnit = PressureUnit(name: unitText) { unit = .pressure(pressureUnit) } else {
                reasons.append("unknown pressure unit \(Excerpt.quoted(unitText)) (use m, bar, kPa or psi)")
            }
            if !signText.isEmpty {
                reasons.append("bad sign \(Excerpt.quoted(signText)) for a pressure channel (leave it empty)")
            }
        }
        guard reasons.isEmpty, let unit else { return .failure(RowProblems(reasons: reasons)) }
        return .success(ChannelSpec(loggerID: field("logger_id"), channel: field("channel"),
                                    element: field("element"), dma: field("dma"), sign: sign, unit: unit))
    }

    private struct HeaderProblem: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    private struct RowProblems: Error {
        var reasons: [String]
    }
}
