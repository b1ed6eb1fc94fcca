/// The fields of one CSV line as ranges into its buffer. Reused from line to line: clearing keeps
/// the storage, so a file of any length allocates it once.
struct FieldRanges: RandomAccessCollection {
    private var storage: [Range<Int>] = []
    private var used = 0

    var startIndex: Int { 0 }
    var endIndex: Int { used }

    subscript(position: Int) -> Range<Int> { storage[position] }

    mutating func removeAll() {
        used = 0
    }

    mutating func append(_ range: Range<Int>) {
        if used < storage.count { storage[used] = range } else { storage.append(range) }
        used += 1
    }
}
