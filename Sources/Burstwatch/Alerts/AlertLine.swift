import Detection
import Foundation
import Readings

/// How `burstwatch alerts tail` prints one burst event: a single human line, or the
/// message itself as one JSON line (unknown fields kept, so newer publishers' extra
/// fields reach the reader).
public enum AlertLine {
    public static func human(_ event: BurstEvent) -> String {
        var line = "\(ISOTimestamp.format(event.detectedAt))  \(event.state.rawValue.uppercased().padding(toLength: 7, withPad: " ", startingAt: 0))"
        line += "  \(event.dma)  \(event.eventID)"
        line += "  +" + String(format: "%.1f", event.flowIncreaseLps) + " l/s"
        line += "  confidence " + String(format: "%.2f", event.confidence)
        line += "  since \(ISOTimestamp.format(event.startEstimate))"
        if let area = event.areaOfInterest {
            line += "  area \(area.pipes.count) pipes, \(Int(area.pipeLengthM.rounded())) m"
            if let first = area.nodes.first { line += ", most likely \(first)" }
        } else {
            line += "  no area"
        }
        return line
    }

    /// The body on one line. JSON never needs a raw newline inside a string, so
    /// newlines in the body are layout and become spaces.
    public static func json(body: [UInt8]) -> String {
        String(decoding: body, as: UTF8.self)
            .replacingOccurrences(of: "\r\n", with: " ")
            .replacingOccurrences(of: "\n", with: " ")
            .trimmingCharacters(in: .whitespaces)
    }
}
