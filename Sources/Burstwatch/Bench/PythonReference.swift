import Foundation

/// The method burstwatch replaces, run on the same files into the same `readings` table
/// shape (in a database of its own): bench/original_method.py, a Python multiprocessing
/// pool mapping a read-file function over the files with a chunk size, then one INSERT
/// per file.
struct PythonReference {
    let world: BenchWorld
    let python: String
    let script: String
    let processes: Int
    let chunkSize: Int
    var filesDirectory: String { world.directory + "/python-files" }
    var registryPath: String { world.directory + "/loggers.csv" }

    /// Writes the files and the registry once; the method reads them from disk every run.
    func prepare(files: [BenchDataset.File], dataset: BenchDataset) throws {
        try FileManager.default.createDirectory(atPath: filesDirectory, withIntermediateDirectories: true)
        for file in files {
            guard FileManager.default.createFile(atPath: filesDirectory + "/" + file.name, contents: Data(file.bytes)) else {
                throw BenchError("cannot write \(filesDirectory)/\(file.name)")
            }
        }
        try dataset.loggersCSV.write(toFile: registryPath, atomically: true, encoding: .utf8)
    }

    func run(files count: Int, repetition: Int) throws -> BenchRecord {
        let database = try world.database()
        defer { database.close() }
        _ = try database.execute("TRUNCATE readings")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, "--dir", filesDirectory, "--registry", registryPath,
                             "--processes", "\(processes)", "--chunksize", "\(chunkSize)"]
        var environment = ProcessInfo.processInfo.environment
        // In the environment, not the arguments: the URL may carry a password.
        environment["BURSTWATCH_BENCH_DSN"] = world.settings.databaseURL
        if let password = world.settings.databasePassword { environment["PGPASSWORD"] = password }
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError("the Python reference failed (\(python) \(script)): \(String(decoding: stderr, as: UTF8.self).suffix(800))")
        }
        struct Result: Decodable { var seconds: Double; var files: Int; var rows: Int }
        let line = String(decoding: stdout, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        guard let result = try? JSONDecoder().decode(Result.self, from: Data(line.utf8)) else {
            throw BenchError("the Python reference printed no result: \(line.prefix(200))")
        }
        let stored = Int(try database.execute("SELECT count(*) FROM readings").rows.first?[0] ?? "0") ?? 0
        guard result.files == count, stored == count else {
            throw BenchError("the Python reference stored \(stored) rows from \(result.files) files; expected \(count)")
        }
        return BenchRecord(kind: .python, repetition: repetition, files: count, processes: processes, prefetch: chunkSize,
                           seconds: result.seconds)
    }

    /// bench/original_method.py of the working directory or of the package the executable was built in.
    static func locateScript() -> String? {
        var candidates = [FileManager.default.currentDirectoryPath + "/bench/original_method.py"]
        var folder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        while folder.path != "/" {
            candidates.append(folder.path + "/bench/original_method.py")
            folder = folder.deletingLastPathComponent()
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// bench/.venv's interpreter when there is one (pip install -r bench/requirements.txt), else python3.
    static func locatePython(script: String) -> String {
        let venv = (script as NSString).deletingLastPathComponent + "/.venv/bin/python"
        if FileManager.default.isExecutableFile(atPath: venv) { return venv }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = "\(folder)/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "/usr/bin/python3"
    }
}
