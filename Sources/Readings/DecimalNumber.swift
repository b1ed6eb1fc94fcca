/// Parses a reading's value from bytes: `[+-]digits[.digits][(e|E)[+-]digits]` (digits on at
/// least one side of the point). NaN and infinities are refused: a reading must be a number.
enum DecimalNumber {
    enum Problem: Error, Equatable {
        case empty
        case notANumber
        case infinite
        case malformed
        case tooLarge

        var description: String {
            switch self {
            case .empty: "empty value"
            case .notANumber: "NaN is not a reading"
            case .infinite: "infinite value"
            case .malformed: "not a decimal number"
            case .tooLarge: "magnitude too large for a double"
            }
        }
    }

    /// Powers of ten that are exact doubles (10²² is the largest: 5²² < 2⁵³).
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    static func parse(_ text: UnsafeBufferPointer<UInt8>) -> Result<Double, Problem> {
        let count = text.count
        guard count > 0 else { return .failure(.empty) }
        var index = 0
        var negative = false
        if text[0] == 0x2B || text[0] == 0x2D {
            negative = text[0] == 0x2D
            index = 1
        }
        let word = index..<count
        if text.equalsIgnoringCase(word, "nan") { return .failure(.notANumber) }
        if text.equalsIgnoringCase(word, "inf") || text.equalsIgnoringCase(word, "infinity") {
            return .failure(.infinite)
        }

        // Up to 19 significant digits fit a UInt64; more only matter to the slow path.
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var exponent = 0
        var sawDigit = false
        var droppedDigits = false
        while index < count, let digit = digitValue(text[index]) {
            sawDigit = true
            if mantissa == 0 && digit == 0 {
                // leading zero: no significance
            } else if significantDigits < 19 {
                mantissa = mantissa &* 10 &+ digit
                significantDigits += 1
            } else {
                exponent += 1
                droppedDigits = true
            }
            index += 1
        }
        if index < count && text[index] == 0x2E {
            index += 1
            while index < count, let digit = digitValue(text[index]) {
                sawDigit = true
                if mantissa == 0 && digit == 0 {
                    exponent -= 1
                } else if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ digit
                    significantDigits += 1
                    exponent -= 1
                } else {
                    droppedDigits = true
                }
                index += 1
            }
        }
        guard sawDigit else { return .failure(.malformed) }
        if index < count && (text[index] == 0x65 || text[index] == 0x45) {
            index += 1
            var exponentNegative = false
            if index < count && (text[index] == 0x2B || text[index] == 0x2D) {
                exponentNegative = text[index] == 0x2D
                index += 1
            }
            var written = 0
            var sawExponentDigit = false
            while index < count, let digit = digitValue(text[index]) {
                sawExponentDigit = true
                // Saturate: anything past 10⁵ is zero or infinite anyway, and must not overflow.
                if written < 100_000 { written = written * 10 + Int(digit) }
                index += 1
            }
            guard sawExponentDigit else { return .failure(.malformed) }
            exponent += exponentNegative ? -written : written
        }
        guard index == count else { return .failure(.malformed) }

        let magnitude: Double
        if mantissa == 0 {
            magnitude = 0
        } else if !droppedDigits && mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
            // Clinger's fast path: both operands are exact doubles, so one IEEE operation rounds
            // correctly.
            let exact = Double(mantissa)
            magnitude = exponent >= 0 ? exact * exactPowersOfTen[exponent] : exact / exactPowersOfTen[-exponent]
        } else {
            // Rare (long or extreme numbers): the standard library's correctly rounded conversion.
            // The grammar was checked above, so it accepts the text.
            let unsigned = UnsafeBufferPointer(rebasing: text[(count - word.count)...])
            guard let parsed = Double(String(decoding: unsigned, as: UTF8.self)) else {
                return .failure(.malformed)
            }
            magnitude = parsed
        }
        guard magnitude.isFinite else { return .failure(.tooLarge) }
        return .success(negative ? -magnitude : magnitude)
    }

    @inline(__always)
    private static func digitValue(_ byte: UInt8) -> UInt64? {
        byte >= 0x30 && byte <= 0x39 ? UInt64(byte &- 0x30) : nil
    }
}
