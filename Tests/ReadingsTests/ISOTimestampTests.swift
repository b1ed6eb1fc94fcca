import Testing
import Readings

@Suite struct ISOTimestampParsingTests {
    func problem(_ text: String, naiveOffsetSeconds: Int = 0) -> TimestampProblem? {
        do {
            _ = try ISOTimestamp.parse(text, naiveOffsetSeconds: naiveOffsetSeconds)
            return nil
        } catch {
            return error
        }
    }

    @Test func parsesUTCForms() throws {
        let expected = epochMicros(2026, 3, 2, 0, 15)
        #expect(try ISOTimestamp.parse("2026-03-02T00:15:00Z") == expected)
        #expect(try ISOTimestamp.parse("2026-03-02T00:15Z") == expected)
        #expect(try ISOTimestamp.parse("2026-03-02 00:15:00Z") == expected)
        #expect(try ISOTimestamp.parse("2026-03-02t00:15:00z") == expected)
        #expect(try ISOTimestamp.parse("2026-03-02T00:15:00+00:00") == expected)
        #expect(try ISOTimestamp.parse("2026-03-02T00:15:00-0000") == expected)
        #expect(try ISOTimestamp.parse("1970-01-01T00:00:00Z") == 0)
    }

    @Test func fractionalSecondsBecomeMicroseconds() throws {
        #expect(try ISOTimestamp.parse("2026-03-02T00:15:00.5Z") == epochMicros(2026, 3, 2, 0, 15, micros: 500_000))
        #expect(try ISOTimestamp.parse("2026-03-02T00:15:07.123456Z") == epochMicros(2026, 3, 2, 0, 15, 7, micros: 123_456))
        #expect(try ISOTimestamp.parse("2026-03-02T00:15:07,25Z") == epochMicros(2026, 3, 2, 0, 15, 7, micros: 250_000))
        // Beyond microseconds the digits are dropped (floor), never rounded into the next second.
        #expect(try ISOTimestamp.parse("2026-03-02T00:15:07.999999999Z") == epochMicros(2026, 3, 2, 0, 15, 7, micros: 999_999))
        #expect(problem("2026-03-02T00:15:07.1234567890Z") == .tooManyFractionDigits)
        #expect(problem("2026-03-02T00:15:07.Z") == .malformed(position: 21))
    }

    @Test func offsetsConvertToUTC() throws {
        let utc = epochMicros(2026, 3, 2, 0, 15)
        // 05:45 at +05:30 is 00:15 UTC.
        #expect(try ISOTimestamp.parse("2026-03-02T05:45:00+05:30") == utc)
        #expect(try ISOTimestamp.parse("2026-03-02T05:45:00+0530") == utc)
        #expect(try ISOTimestamp.parse("2026-03-01T19:15:00-05:00") == utc)
        #expect(try ISOTimestamp.parse("2026-03-01T19:15-05") == utc)
        // Crossing a year boundary backwards.
        #expect(try ISOTimestamp.parse("2027-01-01T01:00:00+02:00") == epochMicros(2026, 12, 31, 23))
        #expect(problem("2026-03-02T05:45:00+24:00") == .offsetOutOfRange(hours: 24, minutes: 0))
        #expect(problem("2026-03-02T05:45:00+05:60") == .offsetOutOfRange(hours: 5, minutes: 60))
    }

    @Test func naiveTimestampsUseTheConfiguredOffset() throws {
        #expect(try ISOTimestamp.parse("2026-03-02T00:15:00") == epochMicros(2026, 3, 2, 0, 15))
        #expect(try ISOTimestamp.parse("2026-03-02T01:15:00", naiveOffsetSeconds: 3600) == epochMicros(2026, 3, 2, 0, 15))
        #expect(try ISOTimestamp.parse("2026-03-02T00:15", naiveOffsetSeconds: -3 * 3600) == epochMicros(2026, 3, 2, 3, 15))
        // An explicit zone wins over the configured one.
        #expect(try ISOTimestamp.parse("2026-03-02T00:15:00Z", naiveOffsetSeconds: 3600) == epochMicros(2026, 3, 2, 0, 15))
    }

    @Test func calendarRangesAreChecked() {
        #expect(problem("2026-13-01T00:00:00Z") == .monthOutOfRange(13))
        #expect(problem("2026-00-01T00:00:00Z") == .monthOutOfRange(0))
        #expect(problem("2026-02-29T00:00:00Z") == .dayOutOfRange(day: 29, year: 2026, month: 2))
        #expect(problem("2028-02-29T00:00:00Z") == nil)
        #expect(problem("2100-02-29T00:00:00Z") == .dayOutOfRange(day: 29, year: 2100, month: 2))
        #expect(problem("2000-02-29T00:00:00Z") == nil)
        #expect(problem("2026-04-31T00:00:00Z") == .dayOutOfRange(day: 31, year: 2026, month: 4))
        #expect(problem("2026-04-00T00:00:00Z") == .dayOutOfRange(day: 0, year: 2026, month: 4))
        #expect(problem("2026-04-30T24:00:00Z") == .hourOutOfRange(24))
        #expect(problem("2026-04-30T23:60:00Z") == .minuteOutOfRange(60))
        #expect(problem("2026-04-30T23:59:60Z") == .secondOutOfRange(60))
        #expect(problem("1969-12-31T23:59:59Z") == .yearOutOfRange(1969))
        #expect(problem("2101-01-01T00:00:00Z") == .yearOutOfRange(2101))
        #expect(problem("2100-12-31T23:59:59Z") == nil)
    }

    @Test func malformedTextNamesTheCharacter() {
        #expect(problem("") == .empty)
        #expect(problem("2026/03/02 00:15") == .malformed(position: 5))
        #expect(problem("26-03-02T00:15:00Z") == .malformed(position: 1))
        #expect(problem("2026-03-02") == .malformed(position: 11))
        #expect(problem("2026-03-02T0:15:00Z") == .malformed(position: 12))
        #expect(problem("2026-03-02T00:15:00Zjunk") == .malformed(position: 21))
        #expect(problem("2026-03-02T00:15:00 Z") == .malformed(position: 20))
        #expect(problem("2026-03-02T00:15:00+5") == .malformed(position: 21))
        #expect(problem("1772410500") == .malformed(position: 5))
        #expect(problem("２026-03-02T00:15:00Z") == .malformed(position: 1))
    }

    @Test func problemsReadWell() {
        #expect(TimestampProblem.monthOutOfRange(13).description == "month 13 out of range")
        #expect(TimestampProblem.dayOutOfRange(day: 30, year: 2026, month: 2).description == "day 30 out of range for 2026-02")
        #expect(TimestampProblem.yearOutOfRange(1969).description == "year 1969 out of range 1970...2100")
        #expect(TimestampProblem.malformed(position: 5).description.hasPrefix("not ISO 8601 at character 5"))
    }
}

@Suite struct ISOTimestampFormattingTests {
    @Test func formatsWholeSecondsWithoutFraction() {
        #expect(ISOTimestamp.format(0) == "1970-01-01T00:00:00Z")
        #expect(ISOTimestamp.format(epochMicros(2026, 3, 24, 3)) == "2026-03-24T03:00:00Z")
        #expect(ISOTimestamp.format(epochMicros(2028, 2, 29, 23, 59, 59)) == "2028-02-29T23:59:59Z")
    }

    @Test func formatsFractionsAsMillisecondsOrMicroseconds() {
        #expect(ISOTimestamp.format(epochMicros(2026, 3, 24, 3, micros: 500_000)) == "2026-03-24T03:00:00.500Z")
        #expect(ISOTimestamp.format(epochMicros(2026, 3, 24, 3, micros: 1)) == "2026-03-24T03:00:00.000001Z")
        #expect(ISOTimestamp.format(epochMicros(2026, 3, 24, 3, micros: 123_456)) == "2026-03-24T03:00:00.123456Z")
    }

    @Test func formatsTimesBefore1970AndExtremesWithoutTrapping() {
        #expect(ISOTimestamp.format(-1) == "1969-12-31T23:59:59.999999Z")
        #expect(ISOTimestamp.format(-86_400_000_000) == "1969-12-31T00:00:00Z")
        #expect(ISOTimestamp.format(Int64.max) == "+294247-01-10T04:00:54.775807Z")
        #expect(ISOTimestamp.format(Int64.min) == "-290308-12-21T19:59:05.224192Z")
    }

    @Test func parseOfFormatRoundTripsForGeneratedTimestamps() throws {
        var generator = SeededGenerator(seed: 0x5EED_0001)
        let lowest = epochMicros(1970, 1, 1)
        let highest = epochMicros(2100, 12, 31, 23, 59, 59, micros: 999_999)
        for index in 0..<20_000 {
            var micros = Int64.random(in: lowest...highest, using: &generator)
            // Also whole seconds and whole milliseconds, which format differently.
            if index % 3 == 0 { micros -= micros % 1_000_000 } else if index % 3 == 1 { micros -= micros % 1000 }
            let text = ISOTimestamp.format(micros)
            #expect(try ISOTimestamp.parse(text) == micros, "\(text)")
            // Formatting is canonical, so text round-trips too.
            #expect(ISOTimestamp.format(try ISOTimestamp.parse(text)) == text)
        }
    }

    @Test func formatAgreesWithIndependentCalendarOnEveryDayBoundaryOfLeapYears() throws {
        for year in [1972, 2000, 2024, 2100] {
            for (month, lastDay) in [(2, year % 4 == 0 && year != 2100 ? 29 : 28), (12, 31)] {
                let micros = epochMicros(year, month, lastDay, 23, 59, 59)
                let expected = "\(year)-\(month < 10 ? "0" : "")\(month)-\(lastDay)T23:59:59Z"
                #expect(ISOTimestamp.format(micros) == expected)
                #expect(try ISOTimestamp.parse(expected) == micros)
            }
        }
    }
}

@Suite struct WindowingTests {
    @Test func windowStartFloorsToTheLength() {
        let start = epochMicros(2026, 3, 24, 3)
        #expect(Windowing.windowStart(of: start) == start)
        #expect(Windowing.windowStart(of: start + 1) == start)
        #expect(Windowing.windowStart(of: start + 899_999_999) == start)
        #expect(Windowing.windowStart(of: start + 900_000_000) == start + 900_000_000)
        #expect(Windowing.windowStart(of: start - 1) == start - 900_000_000)
        #expect(Windowing.windowStart(of: epochMicros(2026, 3, 24, 3, 37), lengthSeconds: 3600) == start)
    }

    @Test func windowStartIsAFloorForNegativeTimes() {
        #expect(Windowing.windowStart(of: -1) == -900_000_000)
        #expect(Windowing.windowStart(of: -900_000_000) == -900_000_000)
        #expect(Windowing.windowStart(of: -900_000_001) == -1_800_000_000)
        _ = Windowing.windowStart(of: Int64.min)
        #expect(Windowing.windowStart(of: Int64.max) <= Int64.max)
    }

    @Test func windowEndIsOneLengthLater() {
        let start = epochMicros(2026, 3, 24, 3)
        #expect(ISOTimestamp.format(Windowing.windowEnd(ofWindowStartingAt: start)) == "2026-03-24T03:15:00Z")
        #expect(Windowing.windowEnd(ofWindowStartingAt: start, lengthSeconds: 60) == start + 60_000_000)
    }
}
