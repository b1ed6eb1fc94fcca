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

    /// The profile pooled over `weekdays`. A slot no pooled day covers is interpolated from the
    /// nearest covered slots of the same profile (around midnight too): other weekdays may
    /// keep another rhythm, and where the demand changes fast (Net6's evening fall of 1,500 l/s
    /// in two hours, an hour later at weekends) their value at that slot is no estimate of
    /// this one's. Only a pool that covers no slot at all falls back to all days.
    func profile(pooling weekdays: [Int]) -> [Double] {
        let own = (0..<slots).map { profile(pooling: weekdays, slot: $0, leavingOut: nil) }
        let covered = own.indices.filter { own[$0] != nil }
        guard !covered.isEmpty else {
            return (0..<slots).map { profile(pooling: Array(0..<7), slot: $0, leavingOut: nil) ?? .nan }
        }
        return (0..<slots).map { slot in
            if let value = own[slot] { return value }
            // The nearest covered slots before and after, going round the day.
            let before = covered.last { $0 < slot } ?? covered.last!
            let after = covered.first { $0 > slot } ?? covered.first!
            let gap = (after - before + slots) % slots
            guard gap > 0 else { return own[before]! }
            let weight = Double((slot - before + slots) % slots) / Double(gap)
            return own[before]! * (1 - weight) + own[after]! * weight
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
