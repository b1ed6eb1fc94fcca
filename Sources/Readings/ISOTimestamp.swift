/// ISO 8601 timestamps <-> epoch microseconds (UTC), by hand: this runs for every reading, and
/// DateFormatter is both slow and locale-dependent.
///
/// Accepted: `YYYY-MM-DDTHH:MM[:SS[.f…]]` (`T`, `t` or a space between date and time; `.` or `,`
/// before 1 to 9 fractional digits, cut to microseconds), then `Z`/`z`, `±HH:MM`, `±HHMM`, `±HH`,
/// or nothing: a naive timestamp is local time at `naiveOffsetSeconds` east of UTC. The written
/// (local) year must lie in 1970...2100: anything else is a logger clock fault, not data.
public enum ISOTimestamp {
    public static let minimumYear = 1970
    public static let maximumYear = 2100
    public static let maximumFractionDigits = 9
    static let microsPerSecond: Int64 = 1_000_000
    static let microsPerDay: Int64 = 86_400 * microsPerSecond

    public static func parse(_ text: String, naiveOffsetSeconds: Int = 0) throws(TimestampProblem) -> Int64 {
        var copy = text
        return try copy.withUTF8 { parse($0, naiveOffsetSeconds: naiveOffsetSeconds) }.get()
    }

    static func parse(_ text: UnsafeBufferPointer<UInt8>, naiveOffsetSeconds: Int) -> Result<Int64, TimestampProblem> {
        let count = text.count
        guard count > 0 else { return .failure(.empty) }

        /// The number written in `length` digits at `start`, or nil when they are not all digits.
        func number(at start: Int, length: Int) -> Int64? {
            guard start + length <= count else { return nil }
            var value: Int64 = 0
            for index in start..<(start + length) {
                let byte = text[index]
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int64(byte &- 0x30)
            }
            return value
        }
        func byte(at index: Int, is expected: UInt8) -> Bool {
            index < count && text[index] == expected
        }
        func malformed(_ index: Int) -> Result<Int64, TimestampProblem> {
            .failure(.malformed(position: index + 1))
        }

        guard let year = number(at: 0, length: 4) else { return malformed(0) }
        guard byte(at: 4, is: 0x2D) else { return malformed(4) }
        guard let month = number(at: 5, length: 2) else { return malformed(5) }
        guard byte(at: 7, is: 0x2D) else { return malformed(7) }
        guard let day = number(at: 8, length: 2) else { return malformed(8) }
        guard byte(at: 10, is: 0x54) || byte(at: 10, is: 0x74) || byte(at: 10, is: 0x20) else { return malformed(10) }
        guard let hour = number(at: 11, length: 2) else { return malformed(11) }
        guard byte(at: 13, is: 0x3A) else { return malformed(13) }
        guard let minute = number(at: 14, length: 2) else { return malformed(14) }
        var index = 16

        var second: Int64 = 0
        var fraction: Int64 = 0
        if byte(at: index, is: 0x3A) {
            guard let written = number(at: index + 1, length: 2) else { return malformed(index + 1) }
            second = written
            index += 3
            if byte(at: index, is: 0x2E) || byte(at: index, is: 0x2C) {
                index += 1
                var digits = 0
                while index < count, text[index] >= 0x30 && text[index] <= 0x39 {
                    // Digits past microseconds are dropped (floor): storage resolution is 1 µs.
                    if digits < 6 { fraction = fraction * 10 + Int64(text[index] &- 0x30) }
                    digits += 1
                    index += 1
                }
                guard digits > 0 else { return malformed(index) }
                guard digits <= maximumFractionDigits else { return .failure(.tooManyFractionDigits) }
                for _ in min(digits, 6)..<6 { fraction *= 10 }
            }
        }

        var offsetSeconds = Int64(naiveOffsetSeconds)
        var offsetHours: Int64 = 0
        var offsetMinutes: Int64 = 0
        if index < count {
            let designator = text[index]
            if designator == 0x5A || designator == 0x7A {
                offsetSeconds = 0
                index += 1
            } else if designator == 0x2B || designator == 0x2D {
                guard let hours = number(at: index + 1, length: 2) else { return malformed(index + 1) }
                offsetHours = hours
                index += 3
                if byte(at: index, is: 0x3A) {
                    guard let minutes = number(at: index + 1, length: 2) else { return malformed(index + 1) }
                    offsetMinutes = minutes
                    index += 3
                } else if let minutes = number(at: index, length: 2) {
                    offsetMinutes = minutes
                    index += 2
                }
                let magnitude = offsetHours * 3600 + offsetMinutes * 60
                offsetSeconds = designator == 0x2D ? -magnitude : magnitude
            } else {
                return malformed(index)
            }
        }
        guard index == count else { return malformed(index) }

        guard year >= Int64(minimumYear) && year <= Int64(maximumYear) else { return .failure(.yearOutOfRange(Int(year))) }
        guard month >= 1 && month <= 12 else { return .failure(.monthOutOfRange(Int(month))) }
        guard day >= 1 && day <= CivilCalendar.daysInMonth(year: year, month: month) else {
            return .failure(.dayOutOfRange(day: Int(day), year: Int(year), month: Int(month)))
        }
        guard hour < 24 else { return .failure(.hourOutOfRange(Int(hour))) }
        guard minute < 60 else { return .failure(.minuteOutOfRange(Int(minute))) }
        // No leap seconds: loggers do not emit them, and epoch time cannot represent them.
        guard second < 60 else { return .failure(.secondOutOfRange(Int(second))) }
        guard offsetHours < 24 && offsetMinutes < 60 else {
            return .failure(.offsetOutOfRange(hours: Int(offsetHours), minutes: Int(offsetMinutes)))
        }

        let days = CivilCalendar.daysFromCivil(year: year, month: month, day: day)
        let localSeconds = days * 86_400 + hour * 3600 + minute * 60 + second
        // Wrapping arithmetic: only an absurd configured naive offset could overflow, and that
        // must not trap.
        let utcSeconds = localSeconds &- offsetSeconds
        return .success(utcSeconds &* microsPerSecond &+ fraction)
    }

    /// `2026-03-24T03:00:00Z`; fractional seconds only when non-zero, as 3 digits when whole
    /// milliseconds, else 6. Any Int64 formats (years outside 0...9999 get a sign and more digits).
    public static func format(_ micros: Int64) -> String {
        var days = micros / microsPerDay
        var microOfDay = micros % microsPerDay
        if microOfDay < 0 {
            microOfDay += microsPerDay
            days -= 1
        }
        let (year, month, day) = CivilCalendar.civilFromDays(days)
        let secondOfDay = microOfDay / microsPerSecond
        let fraction = microOfDay % microsPerSecond

        return String(unsafeUninitializedCapacity: 40) { buffer in
            var length = 0
            func put(_ byte: UInt8) {
                buffer[length] = byte
                length += 1
            }
            func put(_ value: Int64, digits: Int) {
                var divisor: Int64 = 1
                for _ in 1..<digits { divisor *= 10 }
                var remaining = value
                while divisor > 0 {
                    put(0x30 + UInt8(truncatingIfNeeded: remaining / divisor))
                    remaining %= divisor
                    divisor /= 10
                }
            }
            if year < 0 { put(0x2D) } else if year > 9999 { put(0x2B) }
            let yearMagnitude = year.magnitude
            // At most 6 digits: Int64 microseconds span about ±292 277 years.
            var yearDigits = 4
            var yearLimit: UInt64 = 10_000
            while yearMagnitude >= yearLimit {
                yearDigits += 1
                yearLimit *= 10
            }
            put(Int64(yearMagnitude), digits: yearDigits)
            put(0x2D); put(month, digits: 2)
            put(0x2D); put(day, digits: 2)
            put(0x54); put(secondOfDay / 3600, digits: 2)
            put(0x3A); put(secondOfDay / 60 % 60, digits: 2)
            put(0x3A); put(secondOfDay % 60, digits: 2)
            if fraction != 0 {
                put(0x2E)
                if fraction % 1000 == 0 { put(fraction / 1000, digits: 3) } else { put(fraction, digits: 6) }
            }
            put(0x5A)
            return length
        }
    }
}
