import CAMQP
import Testing

@testable import AMQP

@Suite("Field tables: AMQPValue <-> amqp_table_t <-> wire bytes")
struct FieldTableCodecTests {
    /// Encodes with our codec, serializes with librabbitmq, parses back with
    /// librabbitmq and decodes with our codec: what a broker round trip does.
    private func wireRoundTrip(_ table: [String: AMQPValue]) throws -> [String: AMQPValue] {
        let arena = EncodingArena()
        var encoded = FieldTableCodec.encode(table, in: arena)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var written = 0
        let encodeStatus = buffer.withUnsafeMutableBytes { raw in
            amqp_encode_table(amqp_bytes_t(len: raw.count, bytes: raw.baseAddress), &encoded, &written)
        }
        try #require(encodeStatus == AMQP_STATUS_OK.rawValue)

        var pool = amqp_pool_t()
        init_amqp_pool(&pool, 4096)
        defer { empty_amqp_pool(&pool) }
        var decoded = amqp_table_t()
        var offset = 0
        let decodeStatus = buffer.withUnsafeMutableBytes { raw in
            amqp_decode_table(amqp_bytes_t(len: written, bytes: raw.baseAddress), &pool, &decoded, &offset)
        }
        try #require(decodeStatus == AMQP_STATUS_OK.rawValue)
        return FieldTableCodec.decode(decoded)
    }

    @Test func everyKindSurvivesTheWire() throws {
        let table: [String: AMQPValue] = [
            "string": "héllo", "int": .int(-9_000_000_000), "bool": true, "double": 2.5,
            "timestamp": .timestamp(1_774_000_000), "bytes": .bytes([0, 255, 7]), "void": .void,
            "empty-string": "", "empty-table": .table([:]), "empty-array": .array([]),
        ]
        #expect(try wireRoundTrip(table) == table)
    }

    @Test func xDeathStyleNestingSurvivesTheWire() throws {
        let death: AMQPValue = .table([
            "count": 2, "reason": "rejected", "queue": "burstwatch.ingest", "time": .timestamp(1_774_000_000),
            "exchange": "burstwatch.files", "routing-keys": .array(["file", "other"]),
        ])
        let table: [String: AMQPValue] = ["x-death": .array([death, death]), "x-first-death-reason": "rejected"]
        let decoded = try wireRoundTrip(table)
        #expect(decoded == table)
        let first = try #require(decoded["x-death"]?.arrayValue?.first?.tableValue)
        #expect(first["count"]?.intValue == 2)
        #expect(first["routing-keys"]?.arrayValue?.compactMap(\.stringValue) == ["file", "other"])
    }

    @Test func narrowIntegerKindsDecodeAsInt() {
        var field = amqp_field_value_t()
        field.kind = UInt8(AMQP_FIELD_KIND_I16.rawValue)
        field.value.i16 = -12
        #expect(FieldTableCodec.decode(field) == .int(-12))
        field.kind = UInt8(AMQP_FIELD_KIND_U32.rawValue)
        field.value.u32 = 4_000_000_000
        #expect(FieldTableCodec.decode(field) == .int(4_000_000_000))
    }

    @Test func propertiesSurviveEncodeAndDecode() {
        let arena = EncodingArena()
        let properties = AMQPProperties(
            contentType: "text/csv", persistent: true, messageID: "abc", timestamp: 1_774_000_000,
            correlationID: "c-1", headers: ["x-file-name": "a.csv", "x-file-size": 42])
        #expect(AMQPProperties(decoding: properties.encoded(in: arena)) == properties)
        #expect(AMQPProperties(decoding: AMQPProperties().encoded(in: arena)) == AMQPProperties())
    }
}
