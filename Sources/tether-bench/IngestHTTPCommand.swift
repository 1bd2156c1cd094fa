import ArgumentParser
import AsyncHTTPClient
import Foundation
import Histogram
import NIOCore
import NIOHTTP1
import Synchronization
import TetherAPI
import TetherClient
import TetherCore

/// `tether-bench ingest-http --workload DIR --server URL`: the same batches as `ingest`, sent
/// over HTTP to a running `tetherd` (started with `--ts-max-past off --pairing-rate-limit` high
/// enough for the workload's devices), with the acknowledgement latency of every request in an
/// HDR histogram. The sender is AsyncHTTPClient (SwiftNIO), so on a shared 2-core machine it
/// takes as little CPU from the server as a client can.
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
        let endpoint = serverURL.appendingPathComponent("v1/telemetry").absoluteString
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: self.concurrency
        )
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let bodies = batches.map { ByteBuffer(bytes: $0.body) }

        let cursor = BatchCursor()
        let start = ContinuousClock.now
        let results: SenderTally
        do {
            results = try await withThrowingTaskGroup(of: SenderTally.self) { group in
                for _ in 0..<self.concurrency {
                    group.addTask {
                        var tally = SenderTally()
                        while true {
                            let index = cursor.take()
                            guard index < batches.count else { return tally }
                            var request = HTTPClientRequest(url: endpoint)
                            request.method = .POST
                            request.headers.add(name: "Content-Type", value: "application/json")
                            request.headers.add(
                                name: "Authorization",
                                value: "Bearer \(credentials[batches[index].device]!)"
                            )
                            request.body = .bytes(bodies[index])
                            let sent = ContinuousClock.now
                            let response = try await client.execute(request, timeout: .seconds(60))
                            let body = try await response.body.collect(upTo: 1 << 20)
                            let latency = sent.duration(to: .now)
                            guard response.status == .ok else {
                                tally.errors += 1
                                continue
                            }
                            let report = try JSONDecoder().decode(
                                Components.Schemas.IngestReport.self,
                                from: Data(body.readableBytesView)
                            )
                            tally.acked += report.accepted + report.duplicate
                            _ = tally.latencies.record(UInt64(max(1, latency.nanoseconds / 1_000)))
                        }
                    }
                }
                return try await group.reduce(into: SenderTally()) { $0.merge($1) }
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
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
