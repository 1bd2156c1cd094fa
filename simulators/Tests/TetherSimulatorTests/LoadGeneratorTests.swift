import Foundation
import Synchronization
import Testing
import TetherSimulator
import TetherTesting

/// `tether-sim load` against a real `tetherd`: pairs through the real flow, offers a bounded
/// load, and counts what the server acknowledged.
@Suite struct LoadGeneratorTests {
    @Test func aShortLoadIsSentAcknowledgedAndMeasured() async throws {
        let directory = TemporaryDirectory.make(prefix: "tether-load")
        defer { TemporaryDirectory.remove(directory) }
        let server = try await TetherdProcess.start(
            dataDirectory: directory,
            arguments: ["--pairing-rate-limit", "100000"]
        )
        defer { server.command.send(signal: SIGTERM) }
        let lines = LineLog()
        let options = LoadOptions(serverURL: server.baseURL, devices: 12, rate: 1_500, duration: 6, batch: 50)
        let report = try await LoadGenerator(options: options) { lines.append($0) }.run()

        #expect(report.devices == 12)
        #expect(report.errors == 0)
        #expect(report.eventsSent == 9_000)
        #expect(report.eventsAcked == report.eventsSent)
        #expect(report.p50Milliseconds > 0 && report.p50Milliseconds <= report.p99Milliseconds)
        #expect(report.durationSeconds >= 5.9)
        // The last second's batches were sent after the 5 s warm-up: they count as steady too.
        #expect(report.steadyP50Milliseconds > 0 && report.steadyP50Milliseconds <= report.steadyP99Milliseconds)
        #expect(lines.all.contains { $0.hasPrefix("paired 12/12") })
        #expect(lines.all.contains { $0.hasPrefix("sent 9000  acked 9000") })
    }

    @Test(arguments: [
        ("http://10.0.0.5:8080", "loopback"), ("http://example.org", "loopback"),
    ])
    func aLoadRunGoesToLoopbackOnly(server: String, message: String) {
        let options = LoadOptions(serverURL: URL(string: server)!, devices: 1, rate: 10, duration: 1, batch: 1)
        let error = #expect(throws: SimulationError.self) { try options.validate() }
        #expect(error?.description.contains(message) == true)
    }

    @Test func aLoadRunIsBounded() {
        let url = URL(string: "http://127.0.0.1:1")!
        for options in [
            LoadOptions(serverURL: url, devices: 0, rate: 10, duration: 1, batch: 1),
            LoadOptions(serverURL: url, devices: 1, rate: 10, duration: 7_200, batch: 1),
            LoadOptions(serverURL: url, devices: 1, rate: 10, duration: 1, batch: 5_000),
        ] {
            #expect(throws: SimulationError.self) { try options.validate() }
        }
    }
}

/// The progress lines a run printed.
final class LineLog: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) { self.lines.withLock { $0.append(line) } }

    var all: [String] { self.lines.withLock { $0 } }
}
