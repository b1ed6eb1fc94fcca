import Burstwatch
import Foundation

/// `--config FILE` (or `--config=FILE`) may stand anywhere on the command line, for
/// every subcommand, so it is taken out before ArgumentParser sees the arguments.
/// It is also exported as BURSTWATCH_CONFIG so that processes a role starts (the
/// ingest supervisor's workers) read the same file.
enum ConfigPath {
    /// The arguments without `--config`, and its value.
    static func extract(from arguments: [String]) throws -> (arguments: [String], path: String?) {
        var rest: [String] = []
        var path: String?
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" {
                rest += arguments[index...]
                break
            }
            if argument == "--config" {
                guard index + 1 < arguments.count else { throw ConfigurationError("--config needs a file name") }
                path = arguments[index + 1]
                index += 2
                continue
            }
            if argument.hasPrefix("--config=") {
                path = String(argument.dropFirst("--config=".count))
                index += 1
                continue
            }
            rest.append(argument)
            index += 1
        }
        return (rest, path)
    }

    /// Set by main before any command runs; read-only afterwards.
    nonisolated(unsafe) static var fromCommandLine: String?
}
