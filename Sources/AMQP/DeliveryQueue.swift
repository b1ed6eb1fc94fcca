/// FIFO of deliveries read from the socket but not yet handed to the caller
/// (they arrive while we wait for confirms or RPC replies, or in bursts).
/// Amortized O(1) without shifting the array on every pop.
struct DeliveryQueue {
    private var items: [AMQPDelivery] = []
    private var head = 0

    var isEmpty: Bool { head == items.count }
    var count: Int { items.count - head }

    mutating func append(_ delivery: AMQPDelivery) { items.append(delivery) }

    mutating func popFirst() -> AMQPDelivery? {
        guard head < items.count else { return nil }
        let first = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024, head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return first
    }
}
