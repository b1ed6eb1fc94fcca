import Foundation

/// Everything the detector learns about one DMA from its history before a given day: the
/// inflow model, how to estimate the inflow when some meters are missing (with two meters or
/// more) and, when the DMA has pressure loggers, the pressure model.
///
/// Learned from the days before *yesterday*: the detector tests yesterday and today, so
/// neither may be part of what "normal" was learned from (a burst that began yesterday
/// evening would otherwise be partly learned as normal).
struct DMAModel: Sendable {
    let inflow: InflowModel
    let imputation: InflowImputation?
    let pressure: PressureModel?
    /// The pressure explained by the net inflow alone: the check on the localisation's
    /// evidence (`EvidenceCrossCheck`). Nil when `pressure` is.
    let pressureOnNetInflow: PressureModel?

    static func fit(history: DMAHistory, day: Int, excludedDays: Set<Int>, config: DetectorConfig,
                    calendar: DayCalendar) -> DMAModel? {
        let lastTrainingDay = day - 2
        let firstTrainingDay = day - 1 - config.maxHistoryDays
        guard firstTrainingDay <= lastTrainingDay else { return nil }
        let slots = calendar.slotsPerDay
        let required = Int((config.minDayCoverage * Double(slots)).rounded(.up))

        // A weekday with no day covered well enough learns from its partly covered days rather
        // than from nothing: without any, its profile is every weekday pooled, and a Sunday
        // judged by a weekday's rhythm looks like a burst. (A DMA of many meters loses a
        // window to any one meter's gap, so whole days fall below the coverage rule.)
        let partlyRequired = Int((config.minDayCoverage * Double(slots) / 2).rounded(.up))

        func trainingDays(skipping excluded: Set<Int>) -> [TrainingDay] {
            var days: [TrainingDay] = [], partlyCovered: [TrainingDay] = []
            for candidate in firstTrainingDay...lastTrainingDay where !excluded.contains(candidate) {
                guard let first = history.gridIndex(ofWindowStart: calendar.start(ofDay: candidate)),
                      first + slots > 0, first < history.windowCount else { continue }
                let values = (0..<slots).map { history.inflow(atIndex: first + $0) }
                let covered = values.count(where: { $0 != nil })
                let day = TrainingDay(day: candidate, weekday: calendar.weekday(ofDay: candidate), values: values)
                if covered >= required {
                    days.append(day)
                } else if covered >= partlyRequired {
                    partlyCovered.append(day)
                }
            }
            let learned = Set(days.map(\.weekday))
            days += partlyCovered.filter { !learned.contains($0.weekday) }
            // In day order again: the pressure model reads the days' windows as one ascending
            // run of history (`PressureModel.learnedDropSigmas` walks it from first to last).
            return days.sorted { $0.day < $1.day }
        }

        var days = trainingDays(skipping: excludedDays)
        if days.count < config.minHistoryDays && !excludedDays.isEmpty {
            // A burst open for weeks leaves no clean days; learning from what there is beats
            // going blind.
            days = trainingDays(skipping: [])
        }
        guard let inflow = InflowModel.fit(days: days, slotsPerDay: slots, minimumDays: config.minHistoryDays) else {
            return nil
        }
        var indices: [Int] = []
        for day in days {
            guard let first = history.gridIndex(ofWindowStart: calendar.start(ofDay: day.day)) else { continue }
            indices.append(contentsOf: (first..<(first + slots)).filter { $0 >= 0 && $0 < history.windowCount })
        }
        let imputation = InflowImputation.fit(history: history, trainingIndices: indices, slotsPerDay: slots) {
            calendar.slot(of: history.windowStart(atIndex: $0))
        }
        let pressure = PressureModel.fit(history: history, trainingIndices: indices, baselineWindows: slots)
        return DMAModel(inflow: inflow, imputation: imputation, pressure: pressure,
                        pressureOnNetInflow: pressure == nil ? nil : PressureModel.fit(
                            history: history, trainingIndices: indices, baselineWindows: slots, explainedBy: .netInflow))
    }
}

/// Remembers fitted models, because the model only changes once a day while the detector
/// runs every window. Keyed by everything the fit depends on, so a hit returns exactly what
/// fitting again would: the detector stays a pure function of its inputs.
///
/// One cache per detector (whose configuration is fixed). A class shared between the
/// detector's copies and threads; every access holds `lock`.
final class ModelCache: @unchecked Sendable {
    struct Key: Hashable {
        let dma: String
        let day: Int
        let firstWindowStart: Int64?
        let readingsBefore: Int
        let excludedDays: [Int]
    }

    private let lock = NSLock()
    private var entries: [Key: DMAModel?] = [:]
    private var order: [Key] = []
    private let capacity: Int

    init(capacity: Int = 256) {
        self.capacity = capacity
    }

    func model(_ key: Key, fit: () -> DMAModel?) -> DMAModel? {
        lock.lock()
        if let hit = entries[key] {
            lock.unlock()
            return hit
        }
        lock.unlock()
        let fitted = fit()
        lock.lock()
        defer { lock.unlock() }
        if entries.updateValue(fitted, forKey: key) == nil {
            order.append(key)
            if order.count > capacity {
                entries[order.removeFirst()] = nil
            }
        }
        return fitted
    }
}
