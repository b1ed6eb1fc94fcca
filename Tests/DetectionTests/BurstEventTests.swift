import Detection
import Foundation
import WaterNetwork
import Readings
import Testing

@Suite struct BurstEventTests {
    let contractKeys: Set<String> = ["schema", "event_id", "state", "dma", "detected_at", "published_at",
                                     "start_estimate", "flow_increase_lps", "confidence", "area_of_interest"]

    func event(area: AreaOfInterest?) -> BurstEvent {
        BurstEvent(eventID: BurstEventID.make(dma: "DMA-1", startWindow: 1_774_321_200_000_000), state: .opened,
                   dma: "DMA-1", detectedAt: 1_774_324_800_000_000, publishedAt: 1_795_540_931_000_000,
                   startEstimate: 1_774_321_200_000_000, flowIncreaseLps: 7.6, confidence: 0.97, areaOfInterest: area)
    }

    func json(_ event: BurstEvent) throws -> [String: Any] {
        let data = try JSONEncoder().encode(event)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func encodesExactlyTheContractKeysWithISODates() throws {
        let area = AreaOfInterest(nodes: ["J-508", "J-507"], pipes: ["P-611"], pipeLengthM: 2140,
                                  centroid: Point(x: 1, y: 2), geometry: Geometry(lines: [[Point(x: 0, y: 0), Point(x: 1, y: 1)]]))
        let object = try json(event(area: area))
        #expect(Set(object.keys) == contractKeys)
        #expect(object["schema"] as? String == "burst-event/v1")
        #expect(object["state"] as? String == "opened")
        #expect(object["detected_at"] as? String == "2026-03-24T04:00:00Z")
        #expect(object["start_estimate"] as? String == "2026-03-24T03:00:00Z")
        #expect(object["published_at"] as? String == "2026-11-24T17:22:11Z")
        let areaObject = try #require(object["area_of_interest"] as? [String: Any])
        #expect(Set(areaObject.keys) == ["nodes", "pipes", "pipe_length_m", "centroid", "geometry"])
    }

    @Test func withoutAnAreaTheKeyIsStillThereAsNull() throws {
        let object = try json(event(area: nil))
        #expect(Set(object.keys) == contractKeys)
        #expect(object["area_of_interest"] is NSNull)
    }

    @Test func decodesWhatItEncodes() throws {
        let original = event(area: nil)
        let decoded = try JSONDecoder().decode(BurstEvent.self, from: try JSONEncoder().encode(original))
        #expect(decoded == original)
        #expect(decoded.routingKey == "burst.DMA-1.opened")
    }

    @Test func refusesAnotherSchema() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        var text = String(decoding: try encoder.encode(event(area: nil)), as: UTF8.self)
        #expect(text.contains("burst-event/v1"))
        text = text.replacingOccurrences(of: "burst-event/v1", with: "burst-event/v2")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(BurstEvent.self, from: Data(text.utf8)) }
    }

    @Test func eventIDsDependOnlyOnDMAAndStartWindow() {
        let id = BurstEventID.make(dma: "DMA-1", startWindow: 1_774_321_200_000_000)
        #expect(id == BurstEventID.make(dma: "DMA-1", startWindow: 1_774_321_200_000_000))
        #expect(id != BurstEventID.make(dma: "DMA-2", startWindow: 1_774_321_200_000_000))
        #expect(id != BurstEventID.make(dma: "DMA-1", startWindow: 1_774_322_100_000_000))
        #expect(id.count == 32 && id.allSatisfy(\.isHexDigit))
    }
}
