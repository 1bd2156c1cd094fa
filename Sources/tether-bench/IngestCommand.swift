import ArgumentParser
import Foundation
import Histogram
import Logging
import Synchronization
import TetherCore
import TetherServer
import TetherStore
import TetherStorePostgres
import TetherStoreSQLite
import TetherTesting

/// `tether-bench ingest --workload DIR`: pairs the workload's devices in a fresh store, then runs
/// `events.jsonl` through the real telemetry pipeline (decode, validate, group commit, derived
/// state) in batches, and prints a JSON line comparable with `ref_sqlite_ingest.py`, with the
/// acknowledgement latency of every batch and, after the ingest, the latency of reading a
/// device's newest 1,000 events. `--database postgres://…` runs it on an empty PostgreSQL
/// database (password from `TETHER_DATABASE_PASSWORD`).
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Idempotent telemetry ingest of a workload's events.jsonl."
    )

    @Option(help: "A folder made by gen_workload.py with --events (events.jsonl).")
    var workload: String

    @Option(help: "Events per batch (one device's events per batch, as devices send them).")
    var batch: Int = 500

    @Option(help: "Batches in flight at once; concurrent batches share commits.")
    var concurrency: Int = 16

    @Option(help: "process-crash (synchronous=NORMAL) or power-loss (FULL).")
    var durability: String = StoreDurability.processCrash.rawValue

    @Option(help: "Where the store goes (default: a fresh temporary folder, removed afterwards).")
    var dataDir: String?

    @Option(help: "An empty PostgreSQL database, postgres://user@host:port/db (default: SQLite in --data-dir).")
    var database: String?

    @Option(help: "History reads of 1,000 events each after the ingest, for their latency.")
    var historyReads: Int = 200

    @Flag(help: "Run every stored event through the alert engines as the server does.")
    var alerts = false

    func validate() throws {
        guard self.batch >= 1, self.batch <= 1_000, self.concurrency >= 1 else {
            throw ValidationError("--batch must be 1-1000 and --concurrency at least 1")
        }
        guard StoreDurability(rawValue: self.durability) != nil else {
            throw ValidationError("--durability must be process-crash or power-loss")
        }
    }

    func run() async throws {
        let workload = Workload(directory: URL(fileURLWithPath: self.workload, isDirectory: true))
        let ((devices, batches, offered), parseSeconds) = try Stopwatch.time {
            try workload.eventBatches(size: self.batch)
        }
        let directory =
            self.dataDir.map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("tether-bench-\(UUID().uuidString)")
        defer { if self.dataDir == nil { try? FileManager.default.removeItem(at: directory) } }
        let durability = StoreDurability(rawValue: self.durability)!
        let store: any TetherStorage
        if let database = self.database {
            store = try await PostgresStore.open(
                PostgresStoreConfiguration(
                    location: try PostgresLocation(url: database),
                    password: ProcessInfo.processInfo.environment["TETHER_DATABASE_PASSWORD"],
                    durability: durability
                )
            )
        } else {
            store = try SQLiteStore.open(directory: directory, durability: durability)
        }
        defer { try? store.close() }
        let fleet = try await StoreFleet.pair(serials: devices.map { "BENCH-\($0)" }, in: store)
        let paired = Dictionary(uniqueKeysWithValues: zip(devices, fleet.devices))
        var alertPipeline = TelemetryPipeline(ingestor: TelemetryIngestor(store: store), window: .unbounded)
        if self.alerts {
            alertPipeline.alerts = AlertService(
                store: store,
                hub: AlertHub(),
                clockMode: .eventTime,
                wallClock: { Date() },
                logger: Logger(label: "tether.bench")
            )
        }
        let pipeline = alertPipeline

        let cursor = BatchCursor()
        let start = ContinuousClock.now
        let totals = try await withThrowingTaskGroup(of: IngestTally.self) { group in
            for _ in 0..<self.concurrency {
                group.addTask {
                    var tally = IngestTally()
                    while true {
                        let index = cursor.take()
                        guard index < batches.count else { return tally }
                        let sent = ContinuousClock.now
                        let report = try await pipeline.ingest(
                            body: batches[index].body,
                            device: paired[batches[index].device]!,
                            clientAddress: nil
                        )
                        tally.record(report, latency: sent.duration(to: .now))
                    }
                }
            }
            return try await group.reduce(into: IngestTally()) { $0.merge($1) }
        }
        let seconds = start.duration(to: .now).timeInterval
        let stored = try await Self.deviceEventCount(store)
        let history = try await Self.readHistories(of: Array(fleet.devices.prefix(self.historyReads)), in: store)
        try JSONLine.print([
            "bench": "ingest", "store": self.database == nil ? "sqlite" : "postgres", "rows_offered": offered,
            "rows_stored": stored, "seconds": Stopwatch.round(seconds), "rows_per_s": Int(Double(offered) / seconds),
            "duplicates": totals.report.duplicate, "rejected": totals.report.rejected, "batch": self.batch,
            "concurrency": self.concurrency, "durability": self.durability, "alerts": self.alerts,
            "devices": devices.count, "parse_s": Stopwatch.round(parseSeconds), "decode_in_timing": true,
            "p50_ms": Stopwatch.milliseconds(totals.latencies.valueAtPercentile(50)),
            "p99_ms": Stopwatch.milliseconds(totals.latencies.valueAtPercentile(99)),
            "history_reads": history.reads, "history_events_per_read": history.eventsPerRead,
            "history_p50_ms": Stopwatch.milliseconds(history.latencies.valueAtPercentile(50)),
            "history_p99_ms": Stopwatch.milliseconds(history.latencies.valueAtPercentile(99)),
        ])
    }

    /// Reads each device's newest 1,000 events once, timing each read.
    private static func readHistories(
        of devices: [Device],
        in store: any TetherStorage
    ) async throws -> (reads: Int, eventsPerRead: Int, latencies: Histogram<UInt64>) {
        var latencies = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        var events = 0
        for device in devices {
            let start = ContinuousClock.now
            let read = try await store.telemetry(
                device: device.id,
                account: device.owner,
                query: TelemetryQuery(since: .distantPast, limit: 1_000)
            )
            _ = latencies.record(UInt64(max(1, start.duration(to: .now).nanoseconds / 1_000)))
            events += read?.count ?? 0
        }
        return (devices.count, devices.isEmpty ? 0 : events / devices.count, latencies)
    }

    /// How many events devices sent that the store holds.
    private static func deviceEventCount(_ store: any TetherStorage) async throws -> Int {
        switch store {
        case let sqlite as SQLiteStore: try await sqlite.telemetryEventCount(source: .device)
        case let postgres as PostgresStore: try await postgres.telemetryEventCount(source: .device)
        default: -1
        }
    }
}

/// One sender's sums: what the store reported and how long each batch took to be acknowledged
/// (microseconds).
struct IngestTally: Sendable {
    var report = IngestReport()
    var latencies = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)

    mutating func record(_ report: IngestReport, latency: Duration) {
        self.report.accepted += report.accepted
        self.report.duplicate += report.duplicate
        self.report.rejected += report.rejected
        _ = self.latencies.record(UInt64(max(1, latency.nanoseconds / 1_000)))
    }

    mutating func merge(_ other: IngestTally) {
        self.report.accepted += other.report.accepted
        self.report.duplicate += other.report.duplicate
        self.report.rejected += other.report.rejected
        self.latencies.add(other.latencies)
    }
}

/// Hands out batch indices to the concurrent senders.
final class BatchCursor: Sendable {
    private let next = Atomic<Int>(0)

    func take() -> Int { self.next.add(1, ordering: .relaxed).oldValue }
}

extension Workload {
    /// One device's consecutive events as a request body.
    struct EventBatch: Sendable {
        var device: String
        var body: Data
    }

    /// `events.jsonl` cut into batch bodies: each device's lines in file order, `size` per batch,
    /// the batches ordered by their first line (as a fleet would send them).
    func eventBatches(size: Int) throws -> (devices: [String], batches: [EventBatch], events: Int) {
        let data = try Data(contentsOf: self.directory.appendingPathComponent("events.jsonl"))
        var open: [String: (first: Int, lines: [Data])] = [:]
        var finished: [(first: Int, batch: EventBatch)] = []
        var order: [String] = []
        var seen: Set<String> = []
        var count = 0
        let key = Array(#""device_id":""#.utf8)
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            guard let device = Self.value(after: key, in: line) else {
                throw WorkloadError("events.jsonl: line \(count + 1) has no device_id")
            }
            if seen.insert(device).inserted { order.append(device) }
            // Appending in place: copying the pending array per line would be quadratic.
            open[device, default: (count, [])].lines.append(Data(line))
            if let pending = open[device], pending.lines.count == size {
                finished.append((pending.first, EventBatch(device: device, body: Self.body(pending.lines))))
                open[device] = nil
            }
            count += 1
        }
        for (device, pending) in open {
            finished.append((pending.first, EventBatch(device: device, body: Self.body(pending.lines))))
        }
        return (order, finished.sorted { $0.first < $1.first }.map(\.batch), count)
    }

    private static func body(_ lines: [Data]) -> Data {
        var body = Data(#"{"events":["#.utf8)
        for (index, line) in lines.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(line)
        }
        body.append(contentsOf: Array("]}".utf8))
        return body
    }

    /// The string value after `key` (which ends with the opening quote) in a JSON line.
    private static func value(after key: [UInt8], in line: Data.SubSequence) -> String? {
        guard let range = line.firstRange(of: key) else { return nil }
        let rest = line[range.upperBound...]
        guard let end = rest.firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return String(decoding: rest[..<end], as: UTF8.self)
    }
}
