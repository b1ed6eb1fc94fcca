/// SHA-256 (FIPS 180-4) in pure Swift; file messages are identified by the hex digest of their
/// body. Streaming: `update` any number of times, then `finalize`.
public struct SHA256: Sendable {
    public static let digestByteCount = 32

    private typealias State = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)

    // FIPS 180-4 §5.3.3: the first 32 bits of the fractional parts of the square roots of the
    // first eight primes.
    private var state: State = (0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a,
                                0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19)
    /// The bytes of an incomplete block (always fewer than 64).
    private var pending: [UInt8] = []
    private var totalByteCount: UInt64 = 0

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        totalByteCount &+= UInt64(bytes.count)
        var offset = 0
        if !pending.isEmpty {
            let taken = min(64 - pending.count, bytes.count)
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<taken]))
            offset = taken
            guard pending.count == 64 else { return }
            pending.withUnsafeBytes { block in
                if let blockBase = block.baseAddress { Self.compress(&state, blockBase) }
            }
            pending.removeAll(keepingCapacity: true)
        }
        while bytes.count - offset >= 64 {
            Self.compress(&state, base + offset)
            offset += 64
        }
        if offset < bytes.count {
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset...]))
        }
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The 32-byte digest.
    public consuming func finalize() -> [UInt8] {
        let total = totalByteCount
        return pending.withUnsafeBytes { tail in Self.finish(&state, tail: tail, totalByteCount: total) }
    }

    /// One-shot: full blocks straight from the input, no buffering.
    public static func digest(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var hasher = SHA256()
        let fullBlockBytes = bytes.count / 64 * 64
        if let base = bytes.baseAddress {
            for offset in stride(from: 0, to: fullBlockBytes, by: 64) { compress(&hasher.state, base + offset) }
        }
        let tail = UnsafeRawBufferPointer(rebasing: bytes[fullBlockBytes...])
        return finish(&hasher.state, tail: tail, totalByteCount: UInt64(bytes.count))
    }

    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { digest($0) }
    }

    /// Lowercase hex of the digest: the `message_id` of a file message.
    public static func hexDigest(_ bytes: [UInt8]) -> String {
        hex(digest(bytes))
    }

    public static func hexDigest(_ bytes: UnsafeRawBufferPointer) -> String {
        hex(digest(bytes))
    }

    /// Lowercase hex of any bytes.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            let table = digits.utf8Start
            var index = 0
            for byte in bytes {
                buffer[index] = table[Int(byte >> 4)]
                buffer[index + 1] = table[Int(byte & 0x0F)]
                index += 2
            }
            return index
        }
    }

    /// Pads the last partial block (FIPS 180-4 §5.1.1: a 1 bit, zeros, the 64-bit message length)
    /// into one or two blocks on the stack, compresses them and writes the state big-endian.
    private static func finish(_ state: inout State, tail: UnsafeRawBufferPointer, totalByteCount: UInt64) -> [UInt8] {
        withUnsafeTemporaryAllocation(byteCount: 128, alignment: 8) { padded in
            let paddedLength = tail.count < 56 ? 64 : 128
            padded.initializeMemory(as: UInt8.self, repeating: 0)
            padded.copyMemory(from: tail)
            padded[tail.count] = 0x80
            padded.storeBytes(of: (totalByteCount &* 8).bigEndian, toByteOffset: paddedLength - 8, as: UInt64.self)
            guard let base = padded.baseAddress else { return }
            compress(&state, base)
            if paddedLength == 128 { compress(&state, base + 64) }
        }
        let words = state
        return [UInt8](unsafeUninitializedCapacity: digestByteCount) { output, initialized in
            let raw = UnsafeMutableRawBufferPointer(output)
            raw.storeBytes(of: words.0.bigEndian, toByteOffset: 0, as: UInt32.self)
            raw.storeBytes(of: words.1.bigEndian, toByteOffset: 4, as: UInt32.self)
            raw.storeBytes(of: words.2.bigEndian, toByteOffset: 8, as: UInt32.self)
            raw.storeBytes(of: words.3.bigEndian, toByteOffset: 12, as: UInt32.self)
            raw.storeBytes(of: words.4.bigEndian, toByteOffset: 16, as: UInt32.self)
            raw.storeBytes(of: words.5.bigEndian, toByteOffset: 20, as: UInt32.self)
            raw.storeBytes(of: words.6.bigEndian, toByteOffset: 24, as: UInt32.self)
            raw.storeBytes(of: words.7.bigEndian, toByteOffset: 28, as: UInt32.self)
            initialized = digestByteCount
        }
    }

    // FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first
    // 64 primes.
    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    @inline(__always)
    private static func rotateRight(_ x: UInt32, _ count: UInt32) -> UInt32 {
        (x &>> count) | (x &<< (32 &- count))
    }

    /// One 64-byte block (FIPS 180-4 §6.2.2).
    private static func compress(_ state: inout State, _ block: UnsafeRawPointer) {
        roundConstants.withUnsafeBufferPointer { k in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                for t in 0..<16 {
                    w[t] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: t * 4, as: UInt32.self))
                }
                for t in 16..<64 {
                    let s0 = rotateRight(w[t - 15], 7) ^ rotateRight(w[t - 15], 18) ^ (w[t - 15] &>> 3)
                    let s1 = rotateRight(w[t - 2], 17) ^ rotateRight(w[t - 2], 19) ^ (w[t - 2] &>> 10)
                    w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
                }
                var (a, b, c, d, e, f, g, h) = state
                for t in 0..<64 {
                    let sum1 = rotateRight(e, 6) ^ rotateRight(e, 11) ^ rotateRight(e, 25)
                    let choice = (e & f) ^ (~e & g)
                    let temp1 = h &+ sum1 &+ choice &+ k[t] &+ w[t]
                    let sum0 = rotateRight(a, 2) ^ rotateRight(a, 13) ^ rotateRight(a, 22)
                    let majority = (a & b) ^ (a & c) ^ (b & c)
                    let temp2 = sum0 &+ majority
                    h = g
                    g = f
                    f = e
                    e = d &+ temp1
                    d = c
                    c = b
                    b = a
                    a = temp1 &+ temp2
                }
                state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d,
                         state.4 &+ e, state.5 &+ f, state.6 &+ g, state.7 &+ h)
            }
        }
    }
}
