import ArgumentParser
import Foundation
import Logging
import Synchronization
import TetherCore
import TetherServer
import TetherStore
import TetherStoreSQLite
import TetherTesting

/// `tether-bench ingest --workload DIR`: pairs the workload's devices in a fresh store, then runs
/// `events.jsonl` through the real telemetry pipeline (decode, validate, group commit, derived
/// state) in batches, and prints a JSON line comparable with `ref_sqlite_ingest.py`.
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
        let store = try SQLiteStore.open(
            directory: directory,
            durability: StoreDurability(rawValue: self.durability)!
        )
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
        let totals = try await withThrowingTaskGroup(of: IngestReport.self) { group in
            for _ in 0..<self.concurrency {
                group.addTask {
                    var totals = IngestReport()
                    while true {
                        let index = cursor.take()
                        guard index < batches.count else { return totals }
                        let report = try await pipeline.ingest(
                            body: batches[index].body,
                            device: paired[batches[index].device]!,
                            clientAddress: nil
                        )
                        totals.accepted += report.accepted
                        totals.duplicate += report.duplicate
                        totals.rejected += report.rejected
                    }
                }
            }
            return try await group.reduce(into: IngestReport()) { sum, part in
                sum.accepted += part.accepted
                sum.duplicate += part.duplicate
                sum.rejected += part.rejected
            }
        }
        let seconds = start.duration(to: .now).timeInterval
        let stored = try await store.telemetryEventCount(source: .device)
        try JSONLine.print([
            "bench": "ingest", "rows_offered": offered, "rows_stored": stored, "seconds": Stopwatch.round(seconds),
            "rows_per_s": Int(Double(offered) / seconds), "duplicates": totals.duplicate, "rejected": totals.rejected,
            "batch": self.batch, "concurrency": self.concurrency, "durability": self.durability,
            "alerts": self.alerts, "devices": devices.count, "parse_s": Stopwatch.round(parseSeconds),
            "decode_in_timing": true,
        ])
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
