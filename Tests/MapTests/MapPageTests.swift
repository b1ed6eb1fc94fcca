import BurstwatchHTTP
import Testing

@Suite("Map page")
struct MapPageTests {
    @Test("the page loads nothing from elsewhere (CI and control rooms may have no internet)")
    func selfContained() {
        let page = MapPage.html
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(!page.contains("<script src"))
        #expect(!page.contains("<link"))
        #expect(!page.contains("@import"))
        // The only absolute URL is the SVG namespace name, which is never fetched.
        let absolute = page.components(separatedBy: "http").dropFirst().map { String($0.prefix(30)) }
        #expect(absolute.allSatisfy { $0.hasPrefix("://www.w3.org/2000/svg") })
        // It asks the map role's own endpoints, relative to where it is served.
        for endpoint in ["\"api/events\"", "\"api/network\"", "\"api/loggers\""] { #expect(page.contains(endpoint)) }
    }
}
