/// A binary min-heap of (key, value) pairs, for Dijkstra. Decrease-key is done the lazy
/// way: push again and skip stale entries when popped, which is simpler and as fast in
/// practice on sparse graphs like water networks.
struct MinHeap {
    private var keys: [Double] = []
    private var values: [Int] = []

    init(capacity: Int = 0) {
        keys.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
    }

    var isEmpty: Bool { keys.isEmpty }
    var count: Int { keys.count }

    mutating func push(_ key: Double, _ value: Int) {
        keys.append(key)
        values.append(value)
        siftUp(keys.count - 1)
    }

    mutating func popMin() -> (key: Double, value: Int)? {
        guard let lastKey = keys.popLast(), let lastValue = values.popLast() else { return nil }
        guard !keys.isEmpty else { return (lastKey, lastValue) }
        let top = (keys[0], values[0])
        keys[0] = lastKey
        values[0] = lastValue
        siftDown(0)
        return top
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard keys[child] < keys[parent] else { return }
            swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < keys.count else { return }
            let right = left + 1
            let smaller = right < keys.count && keys[right] < keys[left] ? right : left
            guard keys[smaller] < keys[parent] else { return }
            swapAt(parent, smaller)
            parent = smaller
        }
    }

    private mutating func swapAt(_ i: Int, _ j: Int) {
        keys.swapAt(i, j)
        values.swapAt(i, j)
    }
}
