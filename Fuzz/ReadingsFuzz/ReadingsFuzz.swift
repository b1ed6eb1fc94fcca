// libFuzzer entry for the logger-file parser. Compiled by scripts/fuzz together with
// Sources/Readings (one module, so internal parsers are reachable), never by SwiftPM.
//
// A crash is any trap (bounds, overflow, precondition), any AddressSanitizer report, or a
// broken invariant below: `invariant` traps with a message so libFuzzer saves the input.

/// The registry the validation step runs against: one channel per unit, as in the tests.
private let registry: LoggerRegistry = {
    let csv = """
        logger_id,channel,quantity,element,dma,sign,unit
        FM001,flow,flow,60,DMA-1,1,l/s
        FM002,flow,flow,10,DMA-1,-1,m3/h
        FM003,flow,flow,40,DMA-2,1,MLD
        FM004,flow,flow,50,DMA-2,1,gpm
        PL001,pressure,pressure,229,DMA-1,,m
        PL002,pressure,pressure,101,DMA-1,,bar
        PL003,pressure,pressure,131,DMA-2,,kPa
        PL004,pressure,pressure,166,DMA-2,,psi

        """
    do { return try LoggerRegistry.parse(csv: csv) } catch { fatalError("fuzz registry: \(error)") }
}()

/// Longest message any rejection or row error may carry: quoted input is cut to an excerpt, so a
/// hostile file must not be able to inflate logs and dead-letter headers.
private let maximumReasonBytes = 600

private func invariant(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("invariant broken: \(message())") }
}

/// Parser settings picked by the first input byte, so the fuzzer explores the naive-offset and
/// line-limit paths too.
private func parser(selector: UInt8) -> ReadingFileParser {
    let offsets = [0, 19_800, -36_000, 50_400, -43_200, 3_600, 86_399, -86_399]
    let lineLimits = [ReadingFileParser.defaultMaxLineBytes, 64, 8, 0]
    return ReadingFileParser(naiveOffsetSeconds: offsets[Int(selector & 7)],
                             maxLineBytes: lineLimits[Int(selector >> 3 & 3)])
}

@_cdecl("LLVMFuzzerTestOneInput")
public func readingsFuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: size == 0 ? nil : data, count: size)
    let selector = input.first ?? 0
    let bytes = input.count > 1 ? UnsafeBufferPointer(rebasing: input[1...]) : UnsafeBufferPointer(start: nil, count: 0)

    checkFileParser(bytes, parser: parser(selector: selector))
    checkFields(bytes)
    return 0
}

/// Whole files: every outcome is accounted for, by line, with a bounded reason.
private func checkFileParser(_ bytes: UnsafeBufferPointer<UInt8>, parser: ReadingFileParser) {
    let lineCount = physicalLineCount(bytes)
    let parsed: ParsedFile
    switch parser.parseResult(bytes) {
    case .failure(let rejection):
        invariant(!rejection.reason.isEmpty, "empty rejection reason (\(rejection.kind))")
        invariant(rejection.reason.utf8.count <= maximumReasonBytes, "rejection reason of \(rejection.reason.utf8.count) bytes")
        switch rejection.kind {
        case .binary, .invalidUTF8, .noValidRows:
            // Whatever is wrong sits on some line: the user must be told which.
            invariant(rejection.reason.contains("line "), "\(rejection.kind) rejection without a line: \(rejection.reason)")
        case .tooLarge, .empty, .badHeader:
            break
        }
        return
    case .success(let result):
        parsed = result
    }
    invariant(!parsed.readings.isEmpty, "a parsed file without readings")
    var previousLine = 0
    var linesSeen = Set<Int>()
    for reading in parsed.readings {
        invariant(reading.value.isFinite, "non-finite value \(reading.value) on line \(reading.line)")
        invariant(reading.line >= 1 && reading.line <= lineCount, "reading line \(reading.line) of \(lineCount)")
        invariant(reading.line > previousLine, "readings out of line order")
        previousLine = reading.line
        linesSeen.insert(reading.line)
        invariant(!reading.loggerID.isEmpty && !reading.channel.isEmpty, "empty logger or channel on line \(reading.line)")
        invariant(!reading.loggerID.utf8.contains { $0 == 0x0A || $0 == 0x0D }, "line break inside a logger id")
        // The written year is 1970...2100; a zone or naive offset moves it by under a day.
        invariant(reading.timestamp >= -86_400_000_000 && reading.timestamp < 4_133_980_800_000_000 + 86_400_000_000,
                  "timestamp \(reading.timestamp) outside 1970...2100")
        // What the ingest writes back out must read back to the same instant.
        var formatted = ISOTimestamp.format(reading.timestamp)
        let reread = formatted.withUTF8 { ISOTimestamp.parse($0, naiveOffsetSeconds: 0) }
        invariant(reread == .success(reading.timestamp) || formatted.hasPrefix("1969") || formatted.hasPrefix("2101"),
                  "timestamp \(reading.timestamp) formats as \(formatted), which reads back as \(reread)")
    }
    for error in parsed.rowErrors {
        invariant(error.line >= 1 && error.line <= lineCount, "row error line \(error.line) of \(lineCount)")
        invariant(!error.reason.isEmpty, "empty row error reason on line \(error.line)")
        invariant(error.reason.utf8.count <= maximumReasonBytes, "row error reason of \(error.reason.utf8.count) bytes")
        invariant(linesSeen.insert(error.line).inserted, "line \(error.line) both read and refused, or refused twice")
    }

    // The registry step: converted values stay finite and plausible, refusals keep their line.
    do {
        let validated = try registry.validate(parsed)
        for reading in validated.readings {
            invariant(reading.valueSI.isFinite && reading.valueSI.magnitude <= LoggerRegistry.implausibleMagnitude,
                      "implausible SI value \(reading.valueSI) passed validation")
        }
        invariant(validated.readings.count + validated.rowErrors.count == parsed.readings.count + parsed.rowErrors.count,
                  "validation lost or invented rows")
        for error in validated.rowErrors {
            invariant(error.line >= 1 && error.line <= lineCount && !error.reason.isEmpty, "bad registry row error \(error)")
            invariant(error.reason.utf8.count <= maximumReasonBytes, "registry row error reason of \(error.reason.utf8.count) bytes")
        }
    } catch {
        invariant(error.kind == .noValidRows && !error.reason.isEmpty, "validation rejection \(error.kind): \(error.reason)")
        invariant(error.reason.utf8.count <= maximumReasonBytes, "validation rejection reason of \(error.reason.utf8.count) bytes")
    }
}

/// Field parsers on their own, each input line as one field: differential checks against the
/// standard library.
private func checkFields(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard bytes.count <= 256 else { return }
    switch DecimalNumber.parse(bytes) {
    case .success(let value):
        invariant(value.isFinite, "DecimalNumber returned \(value)")
        // Accepted text is a plain decimal, which the standard library rounds correctly: the
        // fast path must agree with it bit for bit.
        let text = String(decoding: bytes, as: UTF8.self)
        guard let reference = Double(text) else { fatalError("DecimalNumber accepted \(text), Double(String) did not") }
        invariant(value.bitPattern == reference.bitPattern || (value == 0 && reference == 0),
                  "DecimalNumber read \(text) as \(value), the standard library as \(reference)")
    case .failure:
        break
    }
    switch ISOTimestamp.parse(bytes, naiveOffsetSeconds: 0) {
    case .success(let micros):
        // format then parse is the identity on every instant the parser accepts.
        var formatted = ISOTimestamp.format(micros)
        let reread = formatted.withUTF8 { ISOTimestamp.parse($0, naiveOffsetSeconds: 0) }
        invariant(reread == .success(micros) || formatted.hasPrefix("1969") || formatted.hasPrefix("2101"),
                  "ISOTimestamp: \(micros) formats as \(formatted), reads back as \(reread)")
    case .failure(let problem):
        invariant(!problem.description.isEmpty, "empty timestamp problem")
    }
}

/// Lines as the parser counts them: LF, CRLF or a lone CR end one; a final terminator does not
/// start another.
private func physicalLineCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    var count = 0
    var index = 0
    var lineOpen = false
    while index < bytes.count {
        let byte = bytes[index]
        if byte == 0x0A || byte == 0x0D {
            count += 1
            lineOpen = false
            if byte == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A { index += 1 }
        } else {
            lineOpen = true
        }
        index += 1
    }
    return count + (lineOpen ? 1 : 0)
}
