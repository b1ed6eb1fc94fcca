/// Per weekday, per slot: the sum of level-normalised values and how many there were.
struct ShapeSums: Sendable {
    let slots: Int
    var sum: [[Double]]
    var count: [[Int]]
    var days = Array(repeating: 0, count: 7)

    init(slots: Int) {
        self.slots = slots
        sum = Array(repeating: Array(repeating: 0, count: slots), count: 7)
        count = Array(repeating: Array(repeating: 0, count: slots), count: 7)
    }

    mutating func add(_ day: TrainingDay, level: Double) {
        days[day.weekday] += 1
        for (slot, value) in day.values.enumerated() {
            guard let value else { continue }
            sum[day.weekday][slot] += value / level
            count[day.weekday][slot] += 1
        }
    }

    /// Mean shape of one weekday (NaN where no data).
    func mean(weekday: Int) -> [Double] {
        (0..<slots).map { count[weekday][$0] > 0 ? sum[weekday][$0] / Double(count[weekday][$0]) : .nan }
    }

    /// The profile pooled over `weekdays`; a slot no pooled day covers falls back to all days.
    func profile(pooling weekdays: [Int]) -> [Double] {
        (0..<slots).map { slot in
            profile(pooling: weekdays, slot: slot, leavingOut: nil) ?? profile(pooling: Array(0..<7), slot: slot, leavingOut: nil) ?? .nan
        }
    }

    /// One slot of the pooled profile, optionally without one value (leave-one-out).
    func profile(pooling weekdays: [Int], slot: Int, leavingOut value: Double?) -> Double? {
        var total = 0.0, n = 0
        for weekday in weekdays {
            total += sum[weekday][slot]
            n += count[weekday][slot]
        }
        if let value {
            total -= value
            n -= 1
        }
        return n > 0 ? total / Double(n) : nil
    }
}
