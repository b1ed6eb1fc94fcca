import Foundation
import Testing
import WaterNetwork

/// Reads a file from Tests/NetworkTests/Fixtures.
func fixtureText(_ name: String) throws -> String {
    let base = (name as NSString).deletingPathExtension
    let ext = (name as NSString).pathExtension
    let url = try #require(Bundle.module.url(forResource: base, withExtension: ext, subdirectory: "Fixtures"),
                           "missing fixture \(name)")
    return try String(contentsOf: url, encoding: .utf8)
}

/// The parse error a text must raise; fails the test when it parses.
func parseError(_ text: String, fileName: String = "network.inp") -> NetworkParseError? {
    do {
        _ = try INPReader.parse(text, fileName: fileName)
        Issue.record("expected a parse error, but the text parsed")
        return nil
    } catch {
        return error
    }
}
