/// Epoch microseconds <-> PostgreSQL timestamptz text, e.g. "2026-03-02 00:15:00+00".
///
/// Connections set `TimeZone='UTC'` and `DateStyle='ISO, YMD'`, so the server prints
/// timestamptz exactly as `string(fromMicros:)` does, and both sides agree byte for byte.
/// Microseconds are PostgreSQL's own resolution, so nothing is rounded either way.
public enum PGTimestamp {
    static let microsPerSecond: Int64 = 1_000_000
    static let microsPerDay: Int64 = 86_400 * microsPerSecond

    /// "YYYY-MM-DD HH:MM:SS[.ffffff]+00", fraction without trailing zeros (as PostgreSQL
    /// prints it), " BC" appended for years before 1.
    public static func string(fromMicros micros: Int64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        append(micros: micros, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes the text form straight into a byte buffer (the COPY encoder's fast path).
    static func append(micros: Int64, to bytes: inout [UInt8]) {
        let days = floorDivide(micros, microsPerDay)
        var timeOfDay = micros - days * microsPerDay
        let date = civilDate(fromDays: days)
        let isBC = date.year <= 0
        appendDigits(isBC ? 1 - date.year : date.year, width: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(date.month, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(date.day, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: " "))
        let hour = timeOfDay / (3_600 * microsPerSecond)
        timeOfDay -= hour * 3_600 * microsPerSecond
        let minute = timeOfDay / (60 * microsPerSecond)
        timeOfDay -= minute * 60 * microsPerSecond
        let second = timeOfDay / microsPerSecond
        var fraction = timeOfDay - second * microsPerSecond
        appendDigits(Int(hour), width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(Int(minute), width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(Int(second), width: 2, to: &bytes)
        if fraction != 0 {
            var width = 6
            while fraction % 10 == 0 {
                fraction /= 10
                width -= 1
            }
            bytes.append(UInt8(ascii: "."))
            appendDigits(Int(fraction), width: width, to: &bytes)
        }
        bytes.append(UInt8(ascii: "+"))
        bytes.append(UInt8(ascii: "0"))
        bytes.append(UInt8(ascii: "0"))
        if isBC {
            bytes.append(contentsOf: " BC".utf8)
        }
    }

    /// Parses PostgreSQL's ISO output for timestamptz ("2026-03-02 00:15:00.5+00",
    /// "… -08", "… +05:30", "… BC") and also "T" / "Z" (ISO 8601). Text without an
    /// offset (a `timestamp` column) is read as UTC. Returns nil for "infinity",
    /// "-infinity" and anything malformed.
    public static func micros(from text: String) -> Int64? {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var scanner = Scanner(bytes: bytes)
        guard let year = scanner.number(minDigits: 4, maxDigits: 6),
              scanner.skip("-"), let month = scanner.number(minDigits: 2, maxDigits: 2),
              scanner.skip("-"), let day = scanner.number(minDigits: 2, maxDigits: 2),
              scanner.skip(" ") || scanner.skip("T"),
              let hour = scanner.number(minDigits: 2, maxDigits: 2),
              scanner.skip(":"), let minute = scanner.number(minDigits: 2, maxDigits: 2),
              scanner.skip(":"), let second = scanner.number(minDigits: 2, maxDigits: 2)
        else { return nil }

        var fractionMicros = 0
        if scanner.skip(".") {
            var digitCount = 0
            while let digit = scanner.digit() {
                // Beyond microseconds PostgreSQL has no resolution; ignore extra digits.
                if digitCount < 6 { fractionMicros = fractionMicros * 10 + digit }
                digitCount += 1
            }
            guard digitCount > 0 else { return nil }
            for _ in min(digitCount, 6)..<6 { fractionMicros *= 10 }
        }

        var offsetSeconds = 0
        if scanner.skip("Z") {
            offsetSeconds = 0
        } else if let sign = scanner.sign() {
            guard let offsetHours = scanner.number(minDigits: 2, maxDigits: 2) else { return nil }
            var offsetMinutes = 0
            var offsetSecondsPart = 0
            if scanner.skip(":") || scanner.peekDigit() {
                guard let minutes = scanner.number(minDigits: 2, maxDigits: 2) else { return nil }
                offsetMinutes = minutes
                if scanner.skip(":") || scanner.peekDigit() {
                    guard let seconds = scanner.number(minDigits: 2, maxDigits: 2) else { return nil }
                    offsetSecondsPart = seconds
                }
            }
            offsetSeconds = sign * (offsetHours * 3_600 + offsetMinutes * 60 + offsetSecondsPart)
        }
        let isBC = scanner.skip(" BC")
        guard scanner.isAtEnd,
              (1...12).contains(month), (1...daysInMonth(year: year, month: month)).contains(day),
              hour <= 24, minute <= 59, second <= 60, year >= 1 || !isBC
        else { return nil }

        let astronomicalYear = isBC ? 1 - year : year
        let days = Int64(daysFromCivil(year: astronomicalYear, month: month, day: day))
        let seconds = Int64(hour * 3_600 + minute * 60 + second - offsetSeconds)
        let (dayMicros, overflow) = days.multipliedReportingOverflow(by: microsPerDay)
        guard !overflow else { return nil }
        let (total, overflow2) = dayMicros.addingReportingOverflow(seconds * microsPerSecond + Int64(fractionMicros))
        return overflow2 ? nil : total
    }

    // MARK: - Calendar arithmetic (proleptic Gregorian, as PostgreSQL uses)

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }

    /// Howard Hinnant's days_from_civil: days since 1970-01-01.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Howard Hinnant's civil_from_days, the inverse of `daysFromCivil`.
    static func civilDate(fromDays days64: Int64) -> (year: Int, month: Int, day: Int) {
        let z = Int(days64) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Appends a non-negative integer in decimal, zero-padded to `width`.
    static func appendDigits(_ value: Int, width: Int, to bytes: inout [UInt8]) {
        var divisor = 1
        var digitCount = 1
        while divisor <= value / 10 {
            divisor *= 10
            digitCount += 1
        }
        for _ in digitCount..<max(digitCount, width) { bytes.append(UInt8(ascii: "0")) }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    /// A cursor over ASCII bytes with just the steps the timestamp grammar needs.
    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        var isAtEnd: Bool { position == bytes.count }

        mutating func skip(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard bytes.count - position >= count else { return false }
            let start = literal.utf8Start
            for offset in 0..<count where bytes[position + offset] != start[offset] {
                return false
            }
            position += count
            return true
        }

        func peekDigit() -> Bool {
            position < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position])
        }

        mutating func digit() -> Int? {
            guard peekDigit() else { return nil }
            defer { position += 1 }
            return Int(bytes[position] - UInt8(ascii: "0"))
        }

        mutating func number(minDigits: Int, maxDigits: Int) -> Int? {
            var value = 0
            var count = 0
            while count < maxDigits, let digit = digit() {
                value = value * 10 + digit
                count += 1
            }
            return count >= minDigits ? value : nil
        }

        mutating func sign() -> Int? {
            if skip("+") { return 1 }
            if skip("-") { return -1 }
            return nil
        }
    }
}
