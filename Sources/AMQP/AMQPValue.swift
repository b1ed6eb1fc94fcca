/// A value in an AMQP field table (message headers, queue arguments).
///
/// Integers of every wire width decode to `.int`; `.int` encodes as a signed
/// 64-bit "l" field, which RabbitMQ accepts for every integer argument
/// (x-delivery-limit, x-max-length, ...). Decimals and 32-bit floats decode to `.double`.
public enum AMQPValue: Sendable, Equatable {
    case string(String)
    case int(Int64)
    case bool(Bool)
    case double(Double)
    /// Seconds since the Unix epoch (AMQP "T"), as in x-death's `time`.
    case timestamp(UInt64)
    case bytes([UInt8])
    case table([String: AMQPValue])
    case array([AMQPValue])
    case void

    public var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    public var intValue: Int64? { if case .int(let value) = self { value } else { nil } }
    public var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }
    public var doubleValue: Double? { if case .double(let value) = self { value } else { nil } }
    public var tableValue: [String: AMQPValue]? { if case .table(let value) = self { value } else { nil } }
    public var arrayValue: [AMQPValue]? { if case .array(let value) = self { value } else { nil } }
}

extension AMQPValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
}
