public import Foundation

/// The built `tetherd` binary running as a child process on 127.0.0.1 with an ephemeral port,
/// for tests of what only a real process shows: flags and environment, signals, crashes.
public struct TetherdProcess: Sendable {
    /// The running command.
    public let command: RunningCommand
    /// `http://127.0.0.1:PORT`.
    public let baseURL: URL

    /// Starts `tetherd serve` on port 0 with `arguments` and `environment`, and waits until it
    /// logs the port it bound.
    public static func start(
        dataDirectory: URL,
        arguments: [String] = [],
        environment: [String: String] = [:]
    ) async throws -> TetherdProcess {
        let runner = CommandRunner("tetherd", environment: environment)
        let command = try runner.start(
            ["--host", "127.0.0.1", "--port", "0", "--data-dir", dataDirectory.path, "--bcrypt-cost", "4"] + arguments
        )
        for _ in 0..<200 {
            if let port = Self.listeningPort(in: command.standardError()) {
                return TetherdProcess(command: command, baseURL: URL(string: "http://127.0.0.1:\(port)")!)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        command.send(signal: SIGKILL)
        let result = try await command.wait()
        throw TetherdProcessError.didNotStart(status: result.status, log: result.stderr)
    }

    /// The port in Hummingbird's "listening on HOST:PORT" log line.
    static func listeningPort(in log: String) -> Int? {
        guard let range = log.range(of: "listening on 127.0.0.1:") else { return nil }
        let digits = log[range.upperBound...].prefix { $0.isNumber }
        return Int(digits)
    }
}

/// Why a ``TetherdProcess`` could not be used.
public enum TetherdProcessError: Error, CustomStringConvertible {
    /// The process exited or never logged a port.
    case didNotStart(status: Int32, log: String)

    public var description: String {
        switch self {
        case .didNotStart(let status, let log): "tetherd did not start (status \(status)): \(log)"
        }
    }
}
