/// Why a timestamp was refused; `description` is meant for a person fixing the data.
public enum TimestampProblem: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    /// The text does not have the ISO 8601 shape; `position` is the 1-based character where it broke.
    case malformed(position: Int)
    case yearOutOfRange(Int)
    case monthOutOfRange(Int)
    case dayOutOfRange(day: Int, year: Int, month: Int)
    case hourOutOfRange(Int)
    case minuteOutOfRange(Int)
    case secondOutOfRange(Int)
    case tooManyFractionDigits
    case offsetOutOfRange(hours: Int, minutes: Int)

    public var description: String {
        switch self {
        case .empty:
            "empty timestamp"
        case .malformed(let position):
            "not ISO 8601 at character \(position) (expected YYYY-MM-DDTHH:MM[:SS[.ffffff]] then Z, ±HH:MM or nothing)"
        case .yearOutOfRange(let year):
            "year \(year) out of range \(ISOTimestamp.minimumYear)...\(ISOTimestamp.maximumYear)"
        case .monthOutOfRange(let month):
            "month \(month) out of range"
        case .dayOutOfRange(let day, let year, let month):
            "day \(day) out of range for \(year)-\(month < 10 ? "0" : "")\(month)"
        case .hourOutOfRange(let hour):
            "hour \(hour) out of range"
        case .minuteOutOfRange(let minute):
            "minute \(minute) out of range"
        case .secondOutOfRange(let second):
            "second \(second) out of range"
        case .tooManyFractionDigits:
            "more than \(ISOTimestamp.maximumFractionDigits) fractional digits"
        case .offsetOutOfRange(let hours, let minutes):
            "UTC offset \(hours):\(minutes < 10 ? "0" : "")\(minutes) out of range"
        }
    }
}
