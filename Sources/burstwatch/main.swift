import ArgumentParser
import Burstwatch
import Foundation

// Exit status (CONTRACTS.md section 5): 0 success, 1 runtime failure, 2 bad usage or
// configuration, each failure with a one-line reason on stderr.
do {
    let (arguments, configPath) = try ConfigPath.extract(from: Array(CommandLine.arguments.dropFirst()))
    if let configPath {
        ConfigPath.fromCommandLine = configPath
        setenv(SettingsSources.configVariable, configPath, 1)
    }
    var command = try BurstwatchCommand.parseAsRoot(arguments)
    try command.run()
    exit(0)
} catch let error as ConfigurationError {
    FileHandle.standardError.write(Data("burstwatch: \(error.description)\n".utf8))
    exit(2)
} catch {
    let code = BurstwatchCommand.exitCode(for: error)
    if code == .success {
        print(BurstwatchCommand.fullMessage(for: error))
        exit(0)
    }
    if code == .validationFailure || error is ValidationError || error is CleanExit {
        FileHandle.standardError.write(Data("\(BurstwatchCommand.fullMessage(for: error))\n".utf8))
        exit(2)
    }
    if let explicit = error as? ExitCode { exit(explicit.rawValue) }
    let reason = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
    FileHandle.standardError.write(Data("burstwatch: \(reason)\n".utf8))
    exit(1)
}
