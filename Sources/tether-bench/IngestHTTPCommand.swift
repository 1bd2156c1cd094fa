import ArgumentParser
import Foundation
import Histogram
import Synchronization
import TetherAPI
import TetherClient
import TetherCore

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `tether-bench ingest-http --workload DIR --server URL`: the same batches as `ingest`, sent
/// over HTTP to a running `tetherd` (started with `--ts-max-past off --pairing-rate-limit` high
/// enough for the workload's devices), with the acknowledgement latency of every request in an
/// HDR histogram.
struct IngestHTTPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest-http",
        abstract: "Telemetry ingest of a workload's events.jsonl through a running server."
    )

    @Option(help: "A folder made by gen_workload.py with --events (events.jsonl).")
    var workload: String

    @Option(help: "The server, e.g. http://127.0.0.1:8080 (loopback only).")
    var server: String

    @Option(help: "Events per batch.")
    var batch: Int = 500

    @Option(help: "Requests in flight at once.")
    var concurrency: Int = 16

    func validate() throws {
        guard let url = URL(string: self.server), ["127.0.0.1", "localhost", "::1"].contains(url.host ?? "") else {
            throw ValidationError("--server must be a loopback URL")
        }
        guard self.batch >= 1, self.batch <= 1_000, self.concurrency >= 1 else {
            throw ValidationError("--batch must be 1-1000 and --concurrency at least 1")
        }
    }

    func run() async throws {
        let serverURL = URL(string: self.server)!
        let workload = Workload(directory: URL(fileURLWithPath: self.workload, isDirectory: true))
        let (devices, batches, offered) = try workload.eventBatches(size: self.batch)
        let credentials = try await HTTPFleet.pair(devices, serverURL: serverURL)
        let endpoint = serverURL.appendingPathComponent("v1/telemetry")

        let cursor = BatchCursor()
        let start = ContinuousClock.now
        let results = try await withThrowingTaskGroup(of: SenderTally.self) { group in
            for _ in 0..<self.concurrency {
                group.addTask {
                    var tally = SenderTally()
                    while true {
                        let index = cursor.take()
                        guard index < batches.count else { return tally }
                        var request = URLRequest(url: endpoint)
                        request.httpMethod = "POST"
                        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                        request.setValue(
                            "Bearer \(credentials[batches[index].device]!)",
                            forHTTPHeaderField: "Authorization"
                        )
                        let sent = ContinuousClock.now
                        let (data, response) = try await URLSession.shared.upload(
                            for: request,
                            from: batches[index].body
                        )
                        let latency = sent.duration(to: .now)
                        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
                            tally.errors += 1
                            continue
                        }
                        let report = try JSONDecoder().decode(Components.Schemas.IngestReport.self, from: data)
                        tally.acked += report.accepted + report.duplicate
                        _ = tally.latencies.record(UInt64(max(1, latency.nanoseconds / 1_000)))
                    }
                }
            }
            return try await group.reduce(into: SenderTally()) { $0.merge($1) }
        }
        let seconds = start.duration(to: .now).timeInterval
        try JSONLine.print([
            "bench": "ingest_http", "events_offered": offered, "events_acked": results.acked,
            "events_per_s": Int(Double(results.acked) / seconds), "requests": batches.count,
            "p50_ms": Stopwatch.round(Double(results.latencies.valueAtPercentile(50)) / 1_000),
            "p99_ms": Stopwatch.round(Double(results.latencies.valueAtPercentile(99)) / 1_000),
            "errors": results.errors, "seconds": Stopwatch.round(seconds), "batch": self.batch,
            "concurrency": self.concurrency,
        ])
    }
}

/// One sender's counts and acknowledgement latencies (microseconds).
struct SenderTally: Sendable {
    var acked = 0
    var errors = 0
    var latencies = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)

    mutating func merge(_ other: SenderTally) {
        self.acked += other.acked
        self.errors += other.errors
        self.latencies.add(other.latencies)
    }
}

/// Pairs benchmark devices over HTTP through the real flow: one account, a pairing code per device.
enum HTTPFleet {
    static func pair(_ names: [String], serverURL: URL) async throws -> [String: String] {
        let anonymous = TetherClientFactory.client(serverURL: serverURL)
        let email = "bench-\(UUID().uuidString.prefix(8).lowercased())@tether.invalid"
        let grant = try await anonymous.registerAccount(
            body: .json(.init(email: email, password: "bench-password-\(UUID().uuidString)"))
        )
        .created.body.json
        let owner = TetherClientFactory.client(serverURL: serverURL, tokens: StaticToken(grant.accessToken))
        var credentials: [String: String] = [:]
        for name in names {
            let code = try await owner.createPairingCode().created.body.json.code
            let claim = try await anonymous.claimDevice(
                body: .json(.init(code: code, serial: "BENCH-\(UUID().uuidString.prefix(8))-\(name)", model: "TAG-1"))
            )
            .created.body.json
            credentials[name] = claim.credential
        }
        return credentials
    }
}
