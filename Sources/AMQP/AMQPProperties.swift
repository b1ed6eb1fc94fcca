import CAMQP

/// The message properties burstwatch uses (a subset of AMQP basic properties;
/// the others are neither sent nor read).
public struct AMQPProperties: Sendable, Equatable {
    public var contentType: String?
    /// delivery_mode 2: the broker writes the message to disk.
    public var persistent: Bool
    public var messageID: String?
    /// Seconds since the Unix epoch.
    public var timestamp: Int64?
    public var correlationID: String?
    public var headers: [String: AMQPValue]

    public init(
        contentType: String? = nil, persistent: Bool = false, messageID: String? = nil,
        timestamp: Int64? = nil, correlationID: String? = nil, headers: [String: AMQPValue] = [:]
    ) {
        self.contentType = contentType
        self.persistent = persistent
        self.messageID = messageID
        self.timestamp = timestamp
        self.correlationID = correlationID
        self.headers = headers
    }
}

extension AMQPProperties {
    /// The C form, with strings and tables in `arena` (valid until its reset).
    func encoded(in arena: EncodingArena) -> amqp_basic_properties_t {
        var result = amqp_basic_properties_t()
        var flags: amqp_flags_t = 0
        if let contentType {
            flags |= CAMQP_FLAG_CONTENT_TYPE
            result.content_type = arena.bytes(contentType)
        }
        flags |= CAMQP_FLAG_DELIVERY_MODE
        result.delivery_mode = persistent ? 2 : 1
        if let messageID {
            flags |= CAMQP_FLAG_MESSAGE_ID
            result.message_id = arena.bytes(messageID)
        }
        if let timestamp {
            flags |= CAMQP_FLAG_TIMESTAMP
            result.timestamp = UInt64(bitPattern: timestamp)
        }
        if let correlationID {
            flags |= CAMQP_FLAG_CORRELATION_ID
            result.correlation_id = arena.bytes(correlationID)
        }
        if !headers.isEmpty {
            flags |= CAMQP_FLAG_HEADERS
            result.headers = FieldTableCodec.encode(headers, in: arena)
        }
        result._flags = flags
        return result
    }

    /// Copies the fields out of library memory.
    init(decoding properties: amqp_basic_properties_t) {
        let flags = properties._flags
        func has(_ flag: amqp_flags_t) -> Bool { flags & flag != 0 }
        self.init(
            contentType: has(CAMQP_FLAG_CONTENT_TYPE) ? properties.content_type.string : nil,
            persistent: has(CAMQP_FLAG_DELIVERY_MODE) && properties.delivery_mode == 2,
            messageID: has(CAMQP_FLAG_MESSAGE_ID) ? properties.message_id.string : nil,
            timestamp: has(CAMQP_FLAG_TIMESTAMP) ? Int64(bitPattern: properties.timestamp) : nil,
            correlationID: has(CAMQP_FLAG_CORRELATION_ID) ? properties.correlation_id.string : nil,
            headers: has(CAMQP_FLAG_HEADERS) ? FieldTableCodec.decode(properties.headers) : [:]
        )
    }
}
