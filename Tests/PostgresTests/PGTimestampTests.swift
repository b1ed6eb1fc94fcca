import Postgres
import Testing

@Suite("Timestamp text <-> epoch microseconds")
struct PGTimestampTests {
    // Epoch seconds from `date -u -d ... +%s`, an independent source.
    @Test func knownInstantsInBothDirections() {
        let cases: [(text: String, seconds: Int64)] = [
            ("2026-03-02 00:15:00+00", 1_772_410_500),
            ("1970-01-01 00:00:00+00", 0),
            ("1969-12-31 23:59:59+00", -1),
            ("2000-02-29 12:34:56+00", 951_827_696),
        ]
        for (text, seconds) in cases {
            #expect(PGTimestamp.micros(from: text) == seconds * 1_000_000, "\(text)")
            #expect(PGTimestamp.string(fromMicros: seconds * 1_000_000) == text)
        }
    }

    @Test func fractionsAreWrittenLikePostgresAndReadBack() {
        let base: Int64 = 1_772_410_500_000_000
        #expect(PGTimestamp.string(fromMicros: base + 500_000) == "2026-03-02 00:15:00.5+00")
        #expect(PGTimestamp.string(fromMicros: base + 1) == "2026-03-02 00:15:00.000001+00")
        #expect(PGTimestamp.string(fromMicros: base + 123_450) == "2026-03-02 00:15:00.12345+00")
        #expect(PGTimestamp.micros(from: "2026-03-02 00:15:00.5+00") == base + 500_000)
        #expect(PGTimestamp.micros(from: "2026-03-02 00:15:00.000001+00") == base + 1)
        // More digits than PostgreSQL keeps are ignored, not rounded into the next second.
        #expect(PGTimestamp.micros(from: "2026-03-02 00:15:00.9999999+00") == base + 999_999)
    }

    @Test func offsetsAndIsoVariantsMeanTheSameInstant() {
        let instant = PGTimestamp.micros(from: "2026-03-02 00:15:00+00")
        #expect(instant != nil)
        for text in [
            "2026-03-02 01:15:00+01", "2026-03-02 05:45:00+05:30", "2026-03-01 16:15:00-08",
            "2026-03-02T00:15:00Z", "2026-03-02 00:15:00", "2026-03-02 01:15:00+0100",
            "2026-03-01 23:59:30-00:15:30",
        ] {
            #expect(PGTimestamp.micros(from: text) == instant, "\(text)")
        }
    }

    @Test func roundTripsAcrossEras() {
        var values: [Int64] = [0, -1, 1, 999_999, -999_999, 86_400_000_000 - 1]
        // Years 1 to 9999 and a few BC, in uneven steps so many dates and times are hit.
        var value: Int64 = -62_135_596_800_000_000 - 86_400_000_000 * 800
        while value < 253_402_300_799_000_000 {
            values.append(value)
            value += 86_400_000_000 * 37 + 3_723_456_789
        }
        for micros in values {
            let text = PGTimestamp.string(fromMicros: micros)
            #expect(PGTimestamp.micros(from: text) == micros, "\(micros) -> \(text)")
        }
    }

    @Test func yearsBeforeOneAreWrittenAsBC() {
        // 0001-01-01 is 719,162 days before 1970-01-01; the day before it is 1 BC.
        let firstDayAD: Int64 = -719_162 * 86_400_000_000
        #expect(PGTimestamp.string(fromMicros: firstDayAD) == "0001-01-01 00:00:00+00")
        #expect(PGTimestamp.string(fromMicros: firstDayAD - 1) == "0001-12-31 23:59:59.999999+00 BC")
    }

    @Test func rejectsWhatIsNotATimestamp() {
        for text in [
            "", "infinity", "-infinity", "2026-02-30 00:00:00+00", "2026-13-01 00:00:00+00",
            "2026-03-02", "2026-03-02 00:15+00", "2026-03-02 00:15:00+", "2026-03-02 00:15:00.+00",
            "2026-03-02 00:15:00+00 garbage", "26-03-02 00:15:00+00",
        ] {
            #expect(PGTimestamp.micros(from: text) == nil, "\(text)")
        }
    }
}
