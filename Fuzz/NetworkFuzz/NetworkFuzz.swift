// libFuzzer entry for the EPANET .inp reader. Compiled by scripts/fuzz together with
// Sources/Network (one module), never by SwiftPM.
//
// A crash is any trap, any AddressSanitizer report, or a broken invariant below.

private func invariant(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("invariant broken: \(message())") }
}

/// Graph searches are quadratic at worst; bound them so a big valid input does not stall the run.
private let maximumNodesForPaths = 2_000

@_cdecl("LLVMFuzzerTestOneInput")
public func networkFuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: size == 0 ? nil : data, count: size)
    // The callers read the file as UTF-8 text (invalid bytes are repaired on the way in).
    let text = String(decoding: bytes, as: UTF8.self)
    let lineCount = physicalLineCount(text)

    let model: NetworkModel
    do {
        model = try INPReader.parse(text, fileName: "fuzz.inp")
    } catch {
        invariant(!error.reason.isEmpty, "empty reason")
        invariant(error.description.hasPrefix("fuzz.inp"), "message does not name the file: \(error.description)")
        if let line = error.line {
            invariant(line >= 1 && line <= lineCount, "error line \(line) of \(lineCount)")
        }
        return 0
    }

    invariant(!model.nodes.isEmpty, "a network without nodes")
    for node in model.nodes {
        invariant(!node.id.isEmpty, "a node with an empty id")
        invariant(node.elevationM.isFinite && node.baseDemandLps.isFinite && node.emitterCoefficient.isFinite,
                  "node \(node.id) has a non-finite value")
        invariant(node.fixedHeadM?.isFinite ?? true, "node \(node.id) has a non-finite fixed head")
        if let position = node.position { invariant(position.x.isFinite && position.y.isFinite, "node \(node.id) position") }
        invariant(model.node(node.id) == node, "node \(node.id) not found by its id")
    }
    for link in model.links {
        invariant(!link.id.isEmpty, "a link with an empty id")
        invariant(model.nodes.indices.contains(link.from) && model.nodes.indices.contains(link.to) && link.from != link.to,
                  "link \(link.id) endpoints")
        invariant(link.lengthM.isFinite && link.lengthM >= 0 && link.diameterM.isFinite && link.diameterM >= 0
                  && link.roughness.isFinite && link.minorLoss.isFinite, "link \(link.id) has a bad value")
        invariant(link.kind != .pipe || link.lengthM > 0, "pipe \(link.id) without length")
        for vertex in link.vertices { invariant(vertex.x.isFinite && vertex.y.isFinite, "link \(link.id) vertex") }
    }

    let graph = NetworkGraph(model: model)
    guard model.nodes.count <= maximumNodesForPaths else { return 0 }
    let distances = graph.shortestDistances(from: 0)
    invariant(distances.count == model.nodes.count && distances[0] == 0, "distances from node 0")
    for (node, distance) in distances.enumerated() {
        invariant(distance >= 0 && !distance.isNaN, "distance \(distance) to node \(node)")
    }
    // The path to the last node walks link by link from node 0 to it, when it is reachable.
    let target = model.nodes.count - 1
    let path = graph.shortestPath(0, target)
    invariant((path != nil) == distances[target].isFinite, "path and distance disagree on reaching node \(target)")
    if let path {
        var at = 0
        for index in path {
            let link = model.links[index]
            invariant(link.from == at || link.to == at, "path link \(link.id) does not start at node \(at)")
            at = link.from == at ? link.to : link.from
        }
        invariant(at == target, "path ends at node \(at), not \(target)")
    }
    let components = graph.connectedComponents
    invariant(components.reduce(0) { $0 + $1.count } == model.nodes.count, "components do not cover the nodes")
    return 0
}

/// Lines as the reader numbers them: LF, CRLF and a lone CR each end one.
private func physicalLineCount(_ text: String) -> Int {
    var count = 1
    var previous: UInt8 = 0
    for byte in text.utf8 {
        if byte == 0x0D || byte == 0x0A && previous != 0x0D { count += 1 }
        previous = byte
    }
    return count
}
