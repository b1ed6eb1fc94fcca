import Readings

/// SplitMix64: a tiny seeded generator so property tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Parses text as file bytes.
func parseFile(_ text: String, naiveOffsetSeconds: Int = 0) throws(FileRejection) -> ParsedFile {
    try ReadingFileParser(naiveOffsetSeconds: naiveOffsetSeconds).parse(Array(text.utf8))
}

/// The rejection a file gets, or nil when it parses.
func rejection(_ bytes: [UInt8], parser: ReadingFileParser = ReadingFileParser()) -> FileRejection? {
    do {
        _ = try parser.parse(bytes)
        return nil
    } catch {
        return error
    }
}

func rejection(_ text: String) -> FileRejection? {
    rejection(Array(text.utf8))
}

/// Epoch microseconds of a UTC civil time, computed independently of the parser (Unix days
/// counted year by year), so tests do not check the parser against itself.
func epochMicros(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0, micros: Int = 0) -> Int64 {
    func isLeap(_ y: Int) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }
    var days = 0
    for y in 1970..<year { days += isLeap(y) ? 366 : 365 }
    let monthLengths = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    for m in 0..<(month - 1) { days += monthLengths[m] }
    days += day - 1
    let seconds = ((days * 24 + hour) * 60 + minute) * 60 + second
    return Int64(seconds) * 1_000_000 + Int64(micros)
}

/// A registry like the example scenario's, plus one channel per unit for conversion tests.
let exampleLoggersCSV = """
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
