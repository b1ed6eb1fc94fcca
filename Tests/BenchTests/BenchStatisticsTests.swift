import Testing
@testable import Burstwatch

@Suite("Bench statistics")
struct BenchStatisticsTests {
    @Test("percentiles interpolate between closest ranks, whatever the input order")
    func percentiles() throws {
        #expect(BenchStatistics.median([4, 1, 3, 2]) == 2.5)
        #expect(BenchStatistics.median([5, 1, 3]) == 3)
        let hundred = (1...100).map(Double.init).shuffled()
        let p99 = try #require(BenchStatistics.percentile(hundred, 99))
        #expect(abs(p99 - 99.01) < 1e-9)
        #expect(BenchStatistics.percentile(hundred, 0) == 1)
        #expect(BenchStatistics.percentile(hundred, 100) == 100)
        #expect(BenchStatistics.percentile([7], 99) == 7)
        #expect(BenchStatistics.percentile([], 50) == nil)
    }

    @Test("a latency summary holds median, p99 and maximum of its samples")
    func latencySummary() throws {
        let samples = (1...1000).map { Double($0) / 1000 }
        let summary = try #require(LatencySummary(samples))
        #expect(summary.count == 1000)
        #expect(abs(summary.median - 0.5005) < 1e-9)
        #expect(abs(summary.p99 - 0.99001) < 1e-9)
        #expect(summary.max == 1)
        #expect(LatencySummary([]) == nil)
    }

    @Test("decimals are formatted with a fixed number of digits, rounding half away from zero")
    func decimals() {
        #expect(formatDecimal(3.14159, 2) == "3.14")
        #expect(formatDecimal(2.005, 0) == "2")
        #expect(formatDecimal(0.05, 1) == "0.1")
        #expect(formatDecimal(-1.25, 1) == "-1.3")
        #expect(formatDecimal(-0.001, 1) == "0.0")
        #expect(formatDecimal(12, 3) == "12.000")
    }
}
