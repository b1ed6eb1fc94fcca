/// Days and times of day on the window grid. Demand follows the local clock, so the day can
/// start at an offset from UTC midnight (`dayOffsetSeconds`, e.g. 3600 for UTC+1).
struct DayCalendar: Sendable, Equatable {
    static let microsPerDay: Int64 = 86_400 * 1_000_000

    let windowMicros: Int64
    let dayOffsetMicros: Int64

    init(windowMicros: Int64, dayOffsetSeconds: Int64) {
        precondition(Self.microsPerDay % windowMicros == 0, "the window length must divide a day")
        self.windowMicros = windowMicros
        self.dayOffsetMicros = dayOffsetSeconds * 1_000_000
    }

    var slotsPerDay: Int { Int(Self.microsPerDay / windowMicros) }

    /// Days since the (local) epoch; floor division so times before 1970 work too.
    func day(of time: Int64) -> Int {
        let local = time + dayOffsetMicros
        let floor = local >= 0 ? local / Self.microsPerDay : (local - Self.microsPerDay + 1) / Self.microsPerDay
        return Int(floor)
    }

    /// Window slot within its day, 0..<slotsPerDay.
    func slot(of time: Int64) -> Int {
        let local = time + dayOffsetMicros
        var within = local % Self.microsPerDay
        if within < 0 { within += Self.microsPerDay }
        return Int(within / windowMicros)
    }

    /// Start of a day, in UTC epoch microseconds.
    func start(ofDay day: Int) -> Int64 {
        Int64(day) * Self.microsPerDay - dayOffsetMicros
    }

    /// 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). Only used to group days that
    /// behave alike; which name a day has does not matter to the method.
    func weekday(ofDay day: Int) -> Int {
        ((day + 3) % 7 + 7) % 7
    }
}
