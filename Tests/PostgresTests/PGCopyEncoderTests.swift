import Postgres
import Testing

@Suite("COPY text-format encoding")
struct PGCopyEncoderTests {
    private func encoded(_ fill: (inout PGCopyEncoder) -> Void) -> String {
        var encoder = PGCopyEncoder()
        fill(&encoder)
        return String(decoding: encoder.bytes, as: UTF8.self)
    }

    @Test func separatesFieldsWithTabsAndRowsWithNewlines() {
        let text = encoded {
            $0.appendRow(["a", nil, "c"])
            $0.appendRow(["d"])
        }
        #expect(text == "a\t\\N\tc\nd\n")
    }

    @Test func escapesTheCharactersCopyGivesMeaningTo() {
        let text = encoded { $0.appendRow(["tab\there", "new\nline", "cr\rx", "back\\slash", "\\N", "ü✓"]) }
        #expect(text == "tab\\there\tnew\\nline\tcr\\rx\tback\\\\slash\t\\\\N\tü✓\n")
    }

    @Test func numbersAndTimestampsNeedNoStrings() {
        let text = encoded {
            $0.appendInt(Int64.min)
            $0.appendInt(0)
            $0.appendInt(42)
            $0.appendDouble(45.23)
            $0.appendDouble(.nan)
            $0.appendDouble(-.infinity)
            $0.appendTimestamp(micros: 1_772_410_500_000_000)
            $0.endRow()
        }
        #expect(text == "-9223372036854775808\t0\t42\t45.23\tNaN\t-Infinity\t2026-03-02 00:15:00+00\n")
    }

    @Test func removeAllStartsAFreshRow() {
        var encoder = PGCopyEncoder()
        encoder.appendText("half a row")
        encoder.removeAll()
        encoder.appendText("x")
        encoder.endRow()
        #expect(String(decoding: encoder.bytes, as: UTF8.self) == "x\n")
    }
}
