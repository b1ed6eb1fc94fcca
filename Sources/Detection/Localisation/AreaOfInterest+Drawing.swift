import WaterNetwork

/// Where an area of interest lies on the network's drawing, for the map and the GeoJSON
/// export alike.
extension AreaOfInterest {
    /// The line of the area's pipe at `index`: the network's own polyline when the network
    /// knows the pipe; otherwise the event's geometry, which has one line per pipe only
    /// when every pipe could be drawn (else the lines do not line up with `pipes`).
    public func line(ofPipeAt index: Int, in network: NetworkModel?) -> [Point]? {
        if let network, let link = network.linkIndex(pipes[index]) { return network.polyline(ofLink: link) }
        return geometry.lines.count == pipes.count ? geometry.lines[index] : nil
    }

    /// Where the estimated burst node (the area's most likely node) is drawn.
    public func estimatedPosition(in network: NetworkModel?) -> Point? {
        nodes.first.flatMap { network?.node($0)?.position }
    }
}
