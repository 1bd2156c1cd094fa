public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a built executable of this package (`tether`, `tetherd`) as a child process, without
/// blocking Swift concurrency's threads, and captures what it prints.
///
/// The executables are looked up beside the test bundle (the build's products directory), or in
/// `TETHER_BIN_DIR` when set; the README's test command builds them before `swift test`.
public struct CommandRunner: Sendable {
    /// What a finished command left behind.
    public struct Result: Sendable {
        /// The exit status.
        public var status: Int32
        /// Everything written to standard output.
        public var stdout: String
        /// Everything written to standard error.
        public var stderr: String

        /// Standard output parsed as one JSON value.
        public func json() throws -> Any {
            try JSONSerialization.jsonObject(with: Data(self.stdout.utf8), options: [.fragmentsAllowed])
        }

        /// Standard output parsed as one JSON object.
        public func jsonObject() throws -> [String: Any] {
            guard let object = try self.json() as? [String: Any] else {
                throw CommandRunnerError.notAnObject(self.stdout)
            }
            return object
        }
    }

    /// The executable's name, e.g. `tether`.
    public let executable: String
    /// Environment variables set on top of a minimal environment (`PATH`, `HOME`).
    public var environment: [String: String]
    /// A program and arguments that run the executable, e.g. `faketime -f +1h` for a clock an
    /// hour ahead; empty to run it directly.
    public var launcher: [String]

    /// A runner for `executable` with `environment` added, started through `launcher` if given.
    public init(_ executable: String, environment: [String: String] = [:], launcher: [String] = []) {
        self.executable = executable
        self.environment = environment
        self.launcher = launcher
    }

    /// The directory holding the built executables.
    public static var binaryDirectory: URL {
        if let directory = ProcessInfo.processInfo.environment["TETHER_BIN_DIR"] {
            return URL(fileURLWithPath: directory, isDirectory: true)
        }
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // Inside an .xctest bundle on Darwin the binary sits deeper; climb to the products directory.
        while directory.path != "/"
            && !FileManager.default.fileExists(atPath: directory.appendingPathComponent("tether").path)
        {
            directory = directory.deletingLastPathComponent()
        }
        return directory
    }

    /// Runs the executable with `arguments` to the end, feeding `standardInput` (none when `nil`).
    public func run(_ arguments: [String], standardInput: String? = nil) async throws -> Result {
        try await self.start(arguments, standardInput: standardInput).wait()
    }

    /// Starts the executable; read its output while it runs with ``RunningCommand/standardOutput()``.
    public func start(_ arguments: [String], standardInput: String? = nil) throws -> RunningCommand {
        let scratch = TemporaryDirectory.make(prefix: "tether-run")
        let files = RunningCommand.Files(directory: scratch)
        _ = FileManager.default.createFile(atPath: files.stdout.path, contents: nil)
        _ = FileManager.default.createFile(atPath: files.stderr.path, contents: nil)
        _ = FileManager.default.createFile(atPath: files.stdin.path, contents: Data((standardInput ?? "").utf8))

        let process = Process()
        let binary = Self.binaryDirectory.appendingPathComponent(self.executable)
        if let program = self.launcher.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = self.launcher.dropFirst() + [binary.path] + arguments
        } else {
            process.executableURL = binary
            process.arguments = arguments
        }
        var environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": ProcessInfo.processInfo.environment["HOME"] ?? "/root",
        ]
        environment.merge(self.environment) { _, new in new }
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: files.stdout)
        process.standardError = try FileHandle(forWritingTo: files.stderr)
        process.standardInput = try FileHandle(forReadingFrom: files.stdin)

        let (exits, exitSink) = AsyncStream.makeStream(of: Int32.self)
        process.terminationHandler = { finished in
            exitSink.yield(finished.terminationStatus)
            exitSink.finish()
        }
        try process.run()
        return RunningCommand(files: files, exits: exits, processIdentifier: process.processIdentifier)
    }
}

/// A started command: its output so far, and its end.
public struct RunningCommand: Sendable {
    struct Files: Sendable {
        let directory: URL
        var stdout: URL { self.directory.appendingPathComponent("stdout") }
        var stderr: URL { self.directory.appendingPathComponent("stderr") }
        var stdin: URL { self.directory.appendingPathComponent("stdin") }
    }

    let files: Files
    let exits: AsyncStream<Int32>
    /// The child's process id.
    public let processIdentifier: Int32

    /// What the command has written to standard output so far.
    public func standardOutput() -> String {
        String(decoding: (try? Data(contentsOf: self.files.stdout)) ?? Data(), as: UTF8.self)
    }

    /// What the command has written to standard error so far.
    public func standardError() -> String {
        String(decoding: (try? Data(contentsOf: self.files.stderr)) ?? Data(), as: UTF8.self)
    }

    /// Whether the command's process is gone (it exited and was reaped).
    public var hasExited: Bool {
        kill(self.processIdentifier, 0) != 0
    }

    /// Sends `signal` (`SIGTERM`, `SIGKILL`, …) to the command.
    public func send(signal: Int32) {
        kill(self.processIdentifier, signal)
    }

    /// Waits for the command to exit and returns what it printed.
    public func wait() async throws -> CommandRunner.Result {
        defer { TemporaryDirectory.remove(self.files.directory) }
        var iterator = self.exits.makeAsyncIterator()
        let status = await iterator.next() ?? -1
        return CommandRunner.Result(
            status: status,
            stdout: self.standardOutput(),
            stderr: self.standardError()
        )
    }
}

/// Why a ``CommandRunner/Result`` could not be read as expected.
public enum CommandRunnerError: Error {
    /// Standard output was not a JSON object.
    case notAnObject(String)
}
