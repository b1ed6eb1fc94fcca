import Testing
import Readings

@Suite struct SHA256Tests {
    // FIPS 180-2 appendix B / NIST CAVP example vectors.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func nistVectors(message: String, expectedHex: String) {
        #expect(SHA256.hexDigest(Array(message.utf8)) == expectedHex)
    }

    @Test func oneMillionAs() {
        let message = [UInt8](repeating: 0x61, count: 1_000_000)
        #expect(SHA256.hexDigest(message) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func digestIs32RawBytesMatchingTheHex() {
        let digest = SHA256.digest(Array("abc".utf8))
        #expect(digest.count == SHA256.digestByteCount)
        #expect(Array(digest.prefix(4)) == [0xBA, 0x78, 0x16, 0xBF])
        #expect(SHA256.hex(digest) == SHA256.hexDigest(Array("abc".utf8)))
    }

    @Test func streamingInAnyChunksMatchesOneShot() {
        var generator = SeededGenerator(seed: 7)
        for length in [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000] {
            let message = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var hasher = SHA256()
            var offset = 0
            while offset < length {
                let chunk = min(Int.random(in: 1...70, using: &generator), length - offset)
                hasher.update(Array(message[offset..<(offset + chunk)]))
                offset += chunk
            }
            #expect(hasher.finalize() == SHA256.digest(message), "length \(length)")
        }
    }

    @Test func paddingBoundaryLengthsMatchKnownDigests() {
        // 55, 56 and 64 bytes straddle the one-or-two-final-blocks boundary.
        #expect(SHA256.hexDigest([UInt8](repeating: 0x61, count: 55)) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(SHA256.hexDigest([UInt8](repeating: 0x61, count: 56)) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        #expect(SHA256.hexDigest([UInt8](repeating: 0x61, count: 64)) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }
}
