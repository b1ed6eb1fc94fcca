import CAMQP

/// Scratch memory for the C structures one library call needs (header tables,
/// property strings, queue arguments).
///
/// Backed by a librabbitmq pool: `reset()` keeps the pages for reuse, so
/// publishing message after message allocates nothing once warmed up.
/// Everything handed out is valid until the next `reset()`.
final class EncodingArena {
    private let pool: UnsafeMutablePointer<amqp_pool_t>

    init(pageSize: Int = 4096) {
        pool = .allocate(capacity: 1)
        init_amqp_pool(pool, pageSize)
    }

    deinit {
        empty_amqp_pool(pool)
        pool.deallocate()
    }

    /// Frees everything handed out, keeping the pages.
    func reset() { recycle_amqp_pool(pool) }

    /// A copy of `string`'s UTF-8 bytes.
    func bytes(_ string: String) -> amqp_bytes_t {
        var string = string
        return string.withUTF8 { bytes(UnsafeRawBufferPointer($0)) }
    }

    func bytes(_ buffer: UnsafeRawBufferPointer) -> amqp_bytes_t {
        guard buffer.count > 0, let memory = amqp_pool_alloc(pool, buffer.count) else {
            return amqp_bytes_t(len: 0, bytes: nil)
        }
        memory.copyMemory(from: buffer.baseAddress!, byteCount: buffer.count)
        return amqp_bytes_t(len: buffer.count, bytes: memory)
    }

    /// Uninitialized room for `count` values of `T`.
    func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T>? {
        guard count > 0, let memory = amqp_pool_alloc(pool, MemoryLayout<T>.stride * count) else { return nil }
        return memory.bindMemory(to: T.self, capacity: count)
    }
}

/// Reads librabbitmq byte strings without copying more than once.
extension amqp_bytes_t {
    var string: String {
        guard len > 0, let bytes else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: bytes, count: len), as: UTF8.self)
    }

    var array: [UInt8] {
        guard len > 0, let bytes else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: bytes, count: len))
    }
}
