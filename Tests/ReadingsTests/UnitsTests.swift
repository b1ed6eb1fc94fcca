import Testing
import Readings

@Suite struct UnitsTests {
    @Test func flowConversionsToLitresPerSecond() {
        #expect(FlowUnit.litresPerSecond.toLitresPerSecond(12.5) == 12.5)
        #expect(FlowUnit.cubicMetresPerHour.toLitresPerSecond(3.6) == 1)
        #expect(FlowUnit.cubicMetresPerHour.toLitresPerSecond(36) == 10)
        #expect(FlowUnit.megalitresPerDay.toLitresPerSecond(86.4) == 1000)
        #expect(abs(FlowUnit.megalitresPerDay.toLitresPerSecond(1) - 11.574_074_074_074) < 1e-9)
        // 1 US gallon = 3.785411784 L, so 60 gpm = 3.785411784 l/s.
        #expect(abs(FlowUnit.usGallonsPerMinute.toLitresPerSecond(60) - 3.785_411_784) < 1e-12)
        #expect(abs(FlowUnit.usGallonsPerMinute.toLitresPerSecond(1) - 0.063_090_196_4) < 1e-12)
    }

    @Test func pressureConversionsToMetresOfHead() {
        #expect(PressureUnit.metres.toMetres(45.23) == 45.23)
        #expect(abs(PressureUnit.bar.toMetres(1) - 10.197_162_129_779) < 1e-9)
        #expect(abs(PressureUnit.kilopascals.toMetres(9.806_65) - 1) < 1e-12)
        #expect(abs(PressureUnit.kilopascals.toMetres(100) - PressureUnit.bar.toMetres(1)) < 1e-12)
        // 1 psi = 6894.757293168 Pa = 0.703069579640 m of water.
        #expect(abs(PressureUnit.poundsPerSquareInch.toMetres(1) - 0.703_069_579_640) < 1e-10)
        #expect(abs(PressureUnit.poundsPerSquareInch.toMetres(14.5038) - PressureUnit.bar.toMetres(1)) < 1e-3)
    }

    @Test func channelUnitDispatchesByQuantity() {
        #expect(ChannelUnit.flow(.cubicMetresPerHour).toSI(7.2) == 2)
        #expect(ChannelUnit.flow(.cubicMetresPerHour).quantity == .flow)
        #expect(ChannelUnit.pressure(.kilopascals).quantity == .pressure)
        #expect(ChannelUnit.flow(.megalitresPerDay).siSymbol == "l/s")
        #expect(ChannelUnit.pressure(.psi).siSymbol == "m")
        #expect(ChannelUnit.pressure(.kilopascals).description == "kPa")
    }

    @Test func contractSpellingsAreRecognisedInAnyCase() {
        for unit in FlowUnit.allCases {
            #expect(FlowUnit(name: unit.rawValue) == unit)
            #expect(FlowUnit(name: unit.rawValue.uppercased()) == unit)
            #expect(FlowUnit(name: " \(unit.rawValue.lowercased()) ") == unit)
        }
        for unit in PressureUnit.allCases {
            #expect(PressureUnit(name: unit.rawValue) == unit)
            #expect(PressureUnit(name: unit.rawValue.uppercased()) == unit)
        }
        #expect(FlowUnit(name: "m³/h") == .cubicMetresPerHour)
        #expect(FlowUnit(name: "LPS") == .litresPerSecond)
        #expect(PressureUnit(name: "KPA") == .kilopascals)
        #expect(PressureUnit(name: "mH2O") == .metres)
    }

    @Test func unknownAndCrossQuantityUnitsAreRefused() {
        #expect(FlowUnit(name: "furlongs/fortnight") == nil)
        #expect(FlowUnit(name: "bar") == nil)
        #expect(PressureUnit(name: "l/s") == nil)
        #expect(PressureUnit(name: "") == nil)
        #expect(Quantity(name: " Flow ") == .flow)
        #expect(Quantity(name: "PRESSURE") == .pressure)
        #expect(Quantity(name: "level") == nil)
    }
}

private extension PressureUnit {
    static let psi = PressureUnit.poundsPerSquareInch
}
