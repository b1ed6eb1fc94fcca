/// Learns which weekdays share a demand shape, so their days can be pooled into one profile.
///
/// The distance between two weekdays is the RMS difference of their mean shapes (each scaled
/// to mean 1 over the slots both cover), divided by what noise alone would give for those day
/// counts. The noise scale is the median, over weekdays, of the distance to the most similar
/// other weekday: a weekday nearly always has a twin (Tuesday and Wednesday; Saturday and
/// Sunday less so), so that distance is noise. Weekdays within 1.6× that scale of each other are pooled. No weekday
/// is assumed to be special: a network whose Fridays differ gets a Friday profile.
enum DayTypes {
    static let sameTypeFactor = 1.6

    /// For each weekday 0...6, the weekdays whose days make its profile (always including
    /// itself). A weekday without data pools all weekdays.
    static func pools(sums: ShapeSums) -> [[Int]] {
        let present = (0..<7).filter { sums.days[$0] > 0 }
        let allDays = Array(0..<7)
        guard present.count >= 2 else { return Array(repeating: allDays, count: 7) }
        // Shapes compared scale-free: a weekday that is only busier or quieter overall is
        // the same type (its days' levels absorb that), one with a different rhythm is not.
        // Each pair is scaled over the slots both cover: a weekday whose days all missed the
        // morning peak would otherwise be scaled by a lower mean and differ everywhere else.
        let means = (0..<7).map { sums.mean(weekday: $0) }
        var distance = Array(repeating: Array(repeating: Double.infinity, count: 7), count: 7)
        for a in present {
            for b in present where b > a {
                let common = (0..<sums.slots).filter { means[a][$0].isFinite && means[b][$0].isFinite }
                guard !common.isEmpty else { continue }
                func scale(_ weekday: Int) -> Double {
                    let mean = common.reduce(0.0) { $0 + means[weekday][$1] } / Double(common.count)
                    return mean > 0 ? mean : 1
                }
                let meanA = scale(a), meanB = scale(b)
                var total = 0.0
                for slot in common {
                    let d = means[a][slot] / meanA - means[b][slot] / meanB
                    total += d * d
                }
                let n = common.count
                let noiseFactor = (1 / Double(sums.days[a]) + 1 / Double(sums.days[b])).squareRoot()
                let value = (total / Double(n)).squareRoot() / noiseFactor
                distance[a][b] = value
                distance[b][a] = value
            }
        }
        let nearest = present.map { a in present.filter { $0 != a }.map { distance[a][$0] }.min() ?? .infinity }
        guard let scale = RobustStatistics.median(nearest.filter(\.isFinite)), scale > 0 else {
            return Array(repeating: allDays, count: 7)
        }
        return (0..<7).map { weekday in
            guard sums.days[weekday] > 0 else { return allDays }
            return present.filter { $0 == weekday || distance[weekday][$0] <= sameTypeFactor * scale }
        }
    }
}
