import Testing
@testable import Burstwatch

/// Names that are not UTF-8 get `%XX` for each bad byte; UTF-8 names are left alone.
@Suite struct FileNameRepairTests {
    @Test func validNamesNeedNoRepair() {
        #expect(FileNameRepair.repairedName(Array("ünïcødé 水.csv".utf8)) == nil)
        #expect(FileNameRepair.repairedName(Array("100%.csv".utf8)) == nil)
    }

    @Test func eachInvalidByteIsEscaped() {
        // Latin-1 é, a lone continuation byte, a truncated 3-byte sequence, an overlong NUL.
        #expect(FileNameRepair.repairedName(Array("caf".utf8) + [0xE9] + Array(".csv".utf8)) == "caf%E9.csv")
        #expect(FileNameRepair.repairedName([0x80, 0x41]) == "%80A")
        #expect(FileNameRepair.repairedName([0x41, 0xE2, 0x82]) == "A%E2%82")
        #expect(FileNameRepair.repairedName([0xC0, 0x80, 0x2E]) == "%C0%80.")
        // Valid characters around bad bytes survive as they are.
        #expect(FileNameRepair.repairedName(Array("水".utf8) + [0xFF] + Array("é".utf8)) == "水%FFé")
    }
}
