import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import TetherCore

/// `tether-sim load`: pairs a fleet through the real flow, then offers telemetry at a fixed
/// rate for a fixed time against a server on loopback, measuring what the server acknowledges
/// and how long each batch took (send to answer).
///
/// Batches leave on an open-loop schedule (batch *k* at *k* × batch / rate seconds), so a
/// server that falls behind shows it: fewer events per second than offered, and a growing
/// latency. At most ``LoadOptions/concurrency`` requests are in flight.
public struct LoadGenerator: Sendable {
    public let options: LoadOptions
    /// Where progress goes (a live line every second).
    public let progress: @Sendable (String) -> Void

    /// Creates a generator.
    public init(options: LoadOptions, progress: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.progress = progress
    }

    /// Runs the load; returns what it measured.
    public func run() async throws -> LoadReport {
        try self.options.validate()
        let pairingStart = ContinuousClock.now
        let every = max(1, self.options.devices / 20)
        let fleet = try await LoadFleet.pair(count: self.options.devices, options: self.options) { paired in
            if paired % every == 0 || paired == self.options.devices {
                self.progress("paired \(paired)/\(self.options.devices) devices")
            }
        }
        let pairingSeconds = pairingStart.duration(to: .now).timeInterval

        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: self.options.concurrency
        )
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let start = ContinuousClock.now
        let statistics = LoadStatistics(start: start)
        let reporter = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(1))
                self.progress(Self.line(statistics.snapshot, since: start))
            }
        }
        do {
            try await self.send(fleet: fleet, client: client, statistics: statistics, start: start)
        } catch {
            reporter.cancel()
            try await client.shutdown()
            throw error
        }
        let seconds = start.duration(to: .now).timeInterval
        reporter.cancel()
        try await client.shutdown()
        let final = statistics.snapshot
        self.progress(Self.line(final, since: start))
        return LoadReport(
            eventsSent: final.sent,
            eventsAcked: final.acked,
            eventsPerSecond: Double(final.acked) / seconds,
            p50Milliseconds: final.p50Milliseconds,
            p99Milliseconds: final.p99Milliseconds,
            steadyP50Milliseconds: final.steadyP50Milliseconds,
            steadyP99Milliseconds: final.steadyP99Milliseconds,
            durationSeconds: seconds,
            errors: final.errors,
            devices: fleet.credentials.count,
            pairingSeconds: pairingSeconds,
            offeredRate: self.options.rate
        )
    }

    private func send(
        fleet: LoadFleet,
        client: HTTPClient,
        statistics: LoadStatistics,
        start: ContinuousClock.Instant
    ) async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1_000)
        let shared = SharedFleetState(
            tracks: fleet.credentials.indices.map { index in
                LoadBatchWriter.DeviceTrack(
                    latitude: 48 + Double(index % 1_000) * 0.005,
                    longitude: 2 + Double(index / 1_000) * 0.005,
                    lastTime: now - 3_600_000
                )
            }
        )
        let url = self.options.serverURL.appendingPathComponent("v1/telemetry").absoluteString
        let options = self.options
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<options.concurrency {
                group.addTask {
                    var writer = LoadBatchWriter()
                    while true {
                        let batch = shared.next.add(1, ordering: .relaxed).oldValue
                        guard batch < options.batchCount else { return }
                        let due = start + .seconds(Double(batch) * options.batchInterval)
                        if due > .now { try await Task.sleep(until: due) }
                        let device = batch % fleet.credentials.count
                        let body = shared.tracks.withLock { writer.body(size: options.batch, track: &$0[device]) }
                        var request = HTTPClientRequest(url: url)
                        request.method = .POST
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.headers.add(name: "Authorization", value: "Bearer \(fleet.credentials[device])")
                        request.body = .bytes(ByteBuffer(bytes: body))
                        statistics.sent(options.batch)
                        let sentAt = ContinuousClock.now
                        do {
                            let response = try await client.execute(request, timeout: .seconds(30))
                            let answer = try await response.body.collect(upTo: 1 << 20)
                            guard response.status == .ok,
                                let report = try? JSONDecoder().decode(
                                    Acknowledgement.self,
                                    from: Data(answer.readableBytesView)
                                ),
                                report.rejected == 0
                            else {
                                // No answer, not 200, or events refused: the batch was not fully taken.
                                statistics.failed()
                                continue
                            }
                            let microseconds = sentAt.duration(to: .now).nanoseconds / 1_000
                            statistics.acked(
                                report.accepted + report.duplicate,
                                sentAt: sentAt,
                                microseconds: UInt64(microseconds)
                            )
                        } catch {
                            statistics.failed()
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// The live line: sent, acked, events/s, p50/p99, errors.
    static func line(_ snapshot: LoadStatistics.Snapshot, since start: ContinuousClock.Instant) -> String {
        let seconds = max(0.001, start.duration(to: .now).timeInterval)
        return "sent \(snapshot.sent)  acked \(snapshot.acked)  \(Int(Double(snapshot.acked) / seconds)) events/s  "
            + "p50 \(LoadReport.format(snapshot.p50Milliseconds)) ms  p99 \(LoadReport.format(snapshot.p99Milliseconds)) ms  "
            + "errors \(snapshot.errors)"
    }

    /// The counts of a `POST /v1/telemetry` answer.
    private struct Acknowledgement: Decodable {
        var accepted: Int
        var duplicate: Int
        var rejected: Int
    }
}

/// What the senders of a run share: the next batch to send and each device's track.
private final class SharedFleetState: Sendable {
    let next = Atomic<Int>(0)
    let tracks: Mutex<[LoadBatchWriter.DeviceTrack]>

    init(tracks: [LoadBatchWriter.DeviceTrack]) {
        self.tracks = Mutex(tracks)
    }
}
