/// A position in the network's own coordinate system (whatever the .inp file's
/// [COORDINATES] use: often a projected CRS in metres or feet, sometimes arbitrary).
public struct Point: Sendable, Hashable, Codable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}
