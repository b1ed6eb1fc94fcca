import CAMQP

/// Converts between `AMQPValue` and librabbitmq's `amqp_table_t` / `amqp_field_value_t`.
enum FieldTableCodec {
    // MARK: encoding (memory comes from the arena; valid until its reset)

    static func encode(_ table: [String: AMQPValue], in arena: EncodingArena) -> amqp_table_t {
        guard let entries = arena.allocate(amqp_table_entry_t.self, count: table.count) else {
            return amqp_table_t(num_entries: 0, entries: nil)
        }
        for (index, (key, value)) in table.enumerated() {
            (entries + index).initialize(to: amqp_table_entry_t(key: arena.bytes(key), value: encode(value, in: arena)))
        }
        return amqp_table_t(num_entries: Int32(table.count), entries: entries)
    }

    static func encode(_ value: AMQPValue, in arena: EncodingArena) -> amqp_field_value_t {
        var field = amqp_field_value_t()
        switch value {
        case .string(let string):
            field.kind = kind(AMQP_FIELD_KIND_UTF8)
            field.value.bytes = arena.bytes(string)
        case .int(let int):
            field.kind = kind(AMQP_FIELD_KIND_I64)
            field.value.i64 = int
        case .bool(let bool):
            field.kind = kind(AMQP_FIELD_KIND_BOOLEAN)
            field.value.boolean = bool ? 1 : 0
        case .double(let double):
            field.kind = kind(AMQP_FIELD_KIND_F64)
            field.value.f64 = double
        case .timestamp(let seconds):
            field.kind = kind(AMQP_FIELD_KIND_TIMESTAMP)
            field.value.u64 = seconds
        case .bytes(let bytes):
            field.kind = kind(AMQP_FIELD_KIND_BYTES)
            field.value.bytes = bytes.withUnsafeBytes { arena.bytes($0) }
        case .table(let table):
            field.kind = kind(AMQP_FIELD_KIND_TABLE)
            field.value.table = encode(table, in: arena)
        case .array(let array):
            field.kind = kind(AMQP_FIELD_KIND_ARRAY)
            let entries = arena.allocate(amqp_field_value_t.self, count: array.count)
            for (index, element) in array.enumerated() {
                (entries! + index).initialize(to: encode(element, in: arena))
            }
            field.value.array = amqp_array_t(num_entries: Int32(array.count), entries: entries)
        case .void:
            field.kind = kind(AMQP_FIELD_KIND_VOID)
        }
        return field
    }

    // MARK: decoding (copies everything out of library memory)

    static func decode(_ table: amqp_table_t) -> [String: AMQPValue] {
        guard table.num_entries > 0, let entries = table.entries else { return [:] }
        var result: [String: AMQPValue] = [:]
        result.reserveCapacity(Int(table.num_entries))
        for entry in UnsafeBufferPointer(start: entries, count: Int(table.num_entries)) {
            result[entry.key.string] = decode(entry.value)
        }
        return result
    }

    static func decode(_ field: amqp_field_value_t) -> AMQPValue {
        let value = field.value
        switch UInt32(field.kind) {
        case AMQP_FIELD_KIND_BOOLEAN.rawValue: return .bool(value.boolean != 0)
        case AMQP_FIELD_KIND_I8.rawValue: return .int(Int64(value.i8))
        case AMQP_FIELD_KIND_U8.rawValue: return .int(Int64(value.u8))
        case AMQP_FIELD_KIND_I16.rawValue: return .int(Int64(value.i16))
        case AMQP_FIELD_KIND_U16.rawValue: return .int(Int64(value.u16))
        case AMQP_FIELD_KIND_I32.rawValue: return .int(Int64(value.i32))
        case AMQP_FIELD_KIND_U32.rawValue: return .int(Int64(value.u32))
        case AMQP_FIELD_KIND_I64.rawValue: return .int(value.i64)
        case AMQP_FIELD_KIND_U64.rawValue: return .int(Int64(clamping: value.u64))
        case AMQP_FIELD_KIND_F32.rawValue: return .double(Double(value.f32))
        case AMQP_FIELD_KIND_F64.rawValue: return .double(value.f64)
        case AMQP_FIELD_KIND_DECIMAL.rawValue:
            var scaled = Double(value.decimal.value)
            for _ in 0..<value.decimal.decimals { scaled /= 10 }
            return .double(scaled)
        case AMQP_FIELD_KIND_UTF8.rawValue: return .string(value.bytes.string)
        case AMQP_FIELD_KIND_BYTES.rawValue: return .bytes(value.bytes.array)
        case AMQP_FIELD_KIND_TIMESTAMP.rawValue: return .timestamp(value.u64)
        case AMQP_FIELD_KIND_TABLE.rawValue: return .table(decode(value.table))
        case AMQP_FIELD_KIND_ARRAY.rawValue:
            guard value.array.num_entries > 0, let entries = value.array.entries else { return .array([]) }
            return .array(UnsafeBufferPointer(start: entries, count: Int(value.array.num_entries)).map(decode))
        default: return .void
        }
    }

    private static func kind(_ kind: amqp_field_value_kind_t) -> UInt8 { UInt8(kind.rawValue) }
}
