import ArgumentParser
import Foundation
import TetherCore
import TetherSimulator

#if canImport(Glibc)
import Glibc
#endif

/// `tether-sim load`: a bounded telemetry load against a server on loopback.
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Pair a fleet through the real flow, then send telemetry at a fixed rate for a fixed time.",
        discussion: """
            The server under test must be on loopback and raise its pairing limit:
              tetherd --pairing-rate-limit 100000 --bcrypt-cost 4 --insecure-fast-password-hashing
            A live line (sent, acked, events/s, p50/p99 acknowledgement latency) goes to stderr every \
            second; the summary (or --json) to stdout. The run stops by itself after --duration.
            """
    )

    @Option(help: "The server, e.g. http://127.0.0.1:8080 (else TETHER_SERVER).")
    var server: String?

    @Option(help: "Devices to pair and send as.")
    var devices = 1_000

    @Option(help: "Events per second offered, in total.")
    var rate = 10_000

    @Option(help: "How long to send, like 60s or 2m.")
    var duration = "30s"

    @Option(help: "Events per batch (one device's events per request).")
    var batch = 500

    @Option(help: "Requests in flight at most.")
    var concurrency = 32

    @Flag(
        help:
            "Print {\"events_sent\", \"events_acked\", \"events_per_s\", \"p50_ms\", \"p99_ms\", \"duration_s\", \"errors\"}."
    )
    var json = false

    func run() async throws {
        guard let server = self.server ?? ProcessInfo.processInfo.environment["TETHER_SERVER"],
            let url = URL(string: server)
        else {
            throw ValidationError("--server is required (or TETHER_SERVER)")
        }
        let seconds: Double
        do {
            seconds = try Duration(setting: self.duration, field: "duration").timeInterval
        } catch {
            throw ValidationError("--duration must be a duration like 60s or 2m")
        }
        let options = LoadOptions(
            serverURL: url,
            devices: self.devices,
            rate: self.rate,
            duration: seconds,
            batch: self.batch,
            concurrency: self.concurrency
        )
        do {
            try options.validate()
        } catch {
            throw ValidationError(error.description)
        }
        let live = isatty(STDERR_FILENO) == 1
        let generator = LoadGenerator(options: options) { line in
            FileHandle.standardError.write(Data((live ? "\r\u{1B}[K" + line : line + "\n").utf8))
        }
        let report = try await generator.run()
        if live { FileHandle.standardError.write(Data("\n".utf8)) }
        if self.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.summary)
        }
        if report.errors > 0 { throw ExitCode(1) }
    }
}
