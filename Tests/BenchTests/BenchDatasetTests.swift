import WaterNetwork
import Readings
import Testing
@testable import Burstwatch

@Suite("Bench dataset")
struct BenchDatasetTests {
    let dataset = BenchDataset(dmaCount: 12, seed: 3)

    @Test("the files are the count asked for, distinct, one reading each, and ingest cleanly with the registry")
    func filesIngest() throws {
        let registry = try LoggerRegistry.parse(csv: dataset.loggersCSV)
        let files = dataset.files(count: 1000)
        #expect(files.count == 1000)
        #expect(Set(files.map(\.name)).count == 1000)
        let plans = IngestPlanner(registry: registry, naiveOffsetSeconds: 0, latestAcceptedTimestamp: .max).plan(
            files.enumerated().map { IncomingFile(deliveryTag: UInt64($0.offset + 1), body: $0.element.bytes,
                                                  fileName: $0.element.name, source: "bench", receivedAt: nil) })
        #expect(plans.allSatisfy { $0.status == "ingested" && $0.readings.count == 1 })
        // Each reading lands at its file's data time, in its DMA.
        for (plan, file) in zip(plans, files) {
            #expect(plan.readings[0].timestamp == file.timestamp)
            #expect(plan.readings[0].dma == file.dma)
        }
    }

    @Test("values written in the loggers' units read back as the SI values generated")
    func unitsRoundTrip() throws {
        let registry = try LoggerRegistry.parse(csv: dataset.loggersCSV)
        let files = dataset.files(steps: 40..<41)
        let plans = IngestPlanner(registry: registry, naiveOffsetSeconds: 0, latestAcceptedTimestamp: .max).plan(
            files.map { IncomingFile(deliveryTag: 1, body: $0.bytes, fileName: $0.name, source: nil, receivedAt: nil) })
        for d in 0..<dataset.dmaCount {
            let expected = dataset.valuesSI(dma: d, step: 40, burst: nil)
            for slot in 0..<6 {
                let read = plans[d * 6 + slot].readings[0].valueSI
                // Written with 2 or 3 decimals in the logger's unit.
                #expect(abs(read - expected[slot]) <= 0.01 * max(1, abs(expected[slot])), "DMA \(d) channel \(slot)")
            }
        }
    }

    @Test("the loggers are a mix: every flow and pressure unit, files with and without header, UTC and offset stamps, CRLF")
    func realisticMix() {
        #expect(Set(dataset.channels.map(\.unitName)) == Set(["l/s", "m3/h", "MLD", "gpm", "m", "bar", "kPa", "psi"]))
        #expect(Set(dataset.channels.map(\.style.header)) == [true, false])
        #expect(Set(dataset.channels.map(\.style.utcOffsetSeconds)) == [0, 3600])
        #expect(Set(dataset.channels.map(\.style.crlf)) == [true, false])
        let texts = dataset.files(steps: 0..<1).map { String(decoding: $0.bytes, as: UTF8.self) }
        #expect(texts.contains { $0.contains("+01:00") } && texts.contains { $0.contains(":00Z") })
    }

    @Test("every logger sits on an element of the network, and every DMA's burst on one of its own nodes")
    func network() throws {
        let model = try INPReader.parse(dataset.networkINP)
        for channel in dataset.channels {
            let found = channel.quantity == .flow ? model.linkIndex(channel.element) != nil : model.nodeIndex(channel.element) != nil
            #expect(found, "\(channel.loggerID) on \(channel.element)")
        }
        let bursts = dataset.burstsInEveryDMA(atStep: 10)
        #expect(Set(bursts.map(\.dma)).count == dataset.dmaCount)
        for burst in bursts {
            #expect(model.nodeIndex(burst.node) != nil)
            #expect(burst.node.hasPrefix("J" + burst.dma.dropFirst(4)))
        }
    }

    @Test("a range of steps agrees with the same steps generated as part of a longer range")
    func rangesAgree() {
        let long = dataset.files(steps: 0..<20).suffix(dataset.filesPerStep * 5)
        let short = dataset.files(steps: 15..<20)
        #expect(long.map(\.bytes) == short.map(\.bytes))
    }

    @Test("a burst raises the inflow of its DMA from its start, and only there")
    func burstEffect() {
        let burst = dataset.burstsInEveryDMA(atStep: 30, relativeSize: 0.25)[2]
        let before = dataset.valuesSI(dma: 2, step: 29, burst: burst)[0] - dataset.valuesSI(dma: 2, step: 29, burst: nil)[0]
        let after = dataset.valuesSI(dma: 2, step: 31, burst: burst)[0] - dataset.valuesSI(dma: 2, step: 31, burst: nil)[0]
        #expect(before == 0)
        #expect(abs(after - burst.sizeLps) < 0.01 * burst.sizeLps + 0.5)
    }
}
