import Foundation
import Synchronization
import TetherSimulator
import TetherTesting

#if canImport(Glibc)
import Glibc
#endif

/// A `tetherd` the test can really restart on the same port and data directory, for the
/// simulator's ``ServerRestarter``: stop kills the process (SIGKILL, as a crash) and waits until
/// it is gone, start runs a new one and waits until it logs its URL.
final class RestartableServer: Sendable {
    let dataDirectory: URL
    let port: Int
    let arguments: [String]
    private let process: Mutex<TetherdProcess?>
    private let counts = Mutex((stops: 0, starts: 0))

    /// Starts `tetherd` on a port picked outside the ephemeral range, so nothing takes it while
    /// the server is down.
    init(dataDirectory: URL, arguments: [String]) async throws {
        self.dataDirectory = dataDirectory
        self.port = try FreePort.pick(1)[0]
        self.arguments = arguments
        let process = try await TetherdProcess.start(
            dataDirectory: dataDirectory,
            port: self.port,
            arguments: arguments
        )
        self.process = Mutex(process)
    }

    /// `http://127.0.0.1:PORT`, the same across restarts.
    var baseURL: URL { URL(string: "http://127.0.0.1:\(self.port)")! }

    /// How many times the test's restarter stopped and started it.
    var restarts: (stops: Int, starts: Int) { self.counts.withLock { $0 } }

    /// Stops and starts this server when the run asks for its URL.
    var restarter: ServerRestarter {
        ServerRestarter(
            stop: { url in
                guard url == self.baseURL else { throw SimulationError("asked to stop \(url), not \(self.baseURL)") }
                try await self.stop()
            },
            start: { url in
                guard url == self.baseURL else { throw SimulationError("asked to start \(url), not \(self.baseURL)") }
                try await self.start()
            }
        )
    }

    func stop() async throws {
        guard let process = self.process.withLock({ $0.take() }) else { return }
        process.command.send(signal: SIGKILL)
        _ = try await process.command.wait()
        self.counts.withLock { $0.stops += 1 }
    }

    func start() async throws {
        let process = try await TetherdProcess.start(
            dataDirectory: self.dataDirectory,
            port: self.port,
            arguments: self.arguments
        )
        self.process.withLock { $0 = process }
        self.counts.withLock { $0.starts += 1 }
    }

    /// Ends the server for good (SIGTERM).
    func terminate() {
        self.process.withLock { $0?.command.send(signal: SIGTERM) }
    }
}
