import Foundation
import Synchronization
import Testing
import TetherCore
import TetherServer
import TetherStore
import TetherStoreSQLite
import TetherTesting

/// Group commit runs as many transactions at once as the store takes
/// (``TelemetryStore/concurrentIngests``): one on SQLite, several on PostgreSQL. The calls are
/// held at a gate in front of a real SQLite store, so the test sees what runs at once.
struct TelemetryIngestorTests {
    @Test(arguments: [1, 2])
    func transactionsRunAtOnceUpToTheStoresConcurrency(writers: Int) async throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        // The first `writers` calls wait at the gate; later ones go through.
        let gate = TestGate<Int> { _, tally in tally.passed.count + tally.held.count < writers }
        let store = GatedTelemetryStore(base: try SQLiteStore.open(directory: directory), writers: writers, gate: gate)
        let ingestor = TelemetryIngestor(store: store)
        try await withThrowingTaskGroup(of: TelemetryBatchOutcome.self) { group in
            // One batch at a time, each waited for where it lands: a call of its own while a
            // writer is free, else the queue.
            for index in 0..<3 {
                group.addTask { try await ingestor.ingest(Self.batch(index)) }
                let held = min(index + 1, writers)
                let queued = index + 1 - held
                try await gate.wait { $0.held.count == held }
                try await Poll.until("batch \(index) lands") { await ingestor.queuedBatches == queued }
            }
            #expect(await gate.tally.held.count == writers)
            #expect(await ingestor.queuedBatches == 3 - writers)
            await gate.release()
            let outcomes = try await group.reduce(into: []) { $0.append($1) }
            #expect(outcomes.count == 3)
        }
        #expect(store.mostAtOnce == writers)
        // The queued batches share one commit once a writer is free.
        #expect(await gate.tally.passed.count == (writers == 1 ? 2 : 3))
    }

    private static func batch(_ index: Int) -> TelemetryBatch {
        TelemetryBatch(
            device: DeviceID(rawValue: "device-\(index)"),
            events: [TelemetryEvent(id: UUID(), timestamp: 1_700_000_000_000, payload: .sos)],
            receivedAt: Date(timeIntervalSince1970: 1_700_000_000)
        )
    }
}

/// A real store whose ingest calls pass a gate first, counting how many run at once.
private final class GatedTelemetryStore: TelemetryStore {
    let base: SQLiteStore
    let concurrentIngests: Int
    let gate: TestGate<Int>
    private let counts = Mutex((running: 0, most: 0))

    init(base: SQLiteStore, writers: Int, gate: TestGate<Int>) {
        self.base = base
        self.concurrentIngests = writers
        self.gate = gate
    }

    /// The most ingest calls that ran at once.
    var mostAtOnce: Int { self.counts.withLock { $0.most } }

    func ingest(_ batches: [TelemetryBatch]) async throws -> [TelemetryBatchOutcome] {
        self.counts.withLock { counts in
            counts.running += 1
            counts.most = max(counts.most, counts.running)
        }
        defer { self.counts.withLock { $0.running -= 1 } }
        guard await self.gate.pass(batches.count) else { throw CancellationError() }
        return try await self.base.ingest(batches)
    }

    func telemetry(device: DeviceID, account: AccountID, query: TelemetryQuery) async throws -> [StoredTelemetryEvent]?
    {
        try await self.base.telemetry(device: device, account: account, query: query)
    }

    func newestTelemetryTime(account: AccountID) async throws -> Int64? {
        try await self.base.newestTelemetryTime(account: account)
    }

    func accountTelemetry(account: AccountID, since: Int64, limit: Int) async throws -> [(DeviceID, TelemetryEvent)] {
        try await self.base.accountTelemetry(account: account, since: since, limit: limit)
    }

    func telemetryState(device: DeviceID, account: AccountID) async throws -> DeviceTelemetryState? {
        try await self.base.telemetryState(device: device, account: account)
    }

    func connectionPeriods(device: DeviceID, account: AccountID, since: Date) async throws -> [ConnectionPeriod]? {
        try await self.base.connectionPeriods(device: device, account: account, since: since)
    }

    func dailyUsage(device: DeviceID, account: AccountID, from firstDay: UTCDay) async throws -> [DailyUsage]? {
        try await self.base.dailyUsage(device: device, account: account, from: firstDay)
    }

    func dailyStatistics(from firstDay: UTCDay) async throws -> [DailyStatistic] {
        try await self.base.dailyStatistics(from: firstDay)
    }

    func pruneTelemetry(eventsBefore: Date, aggregatesBefore: UTCDay, limit: Int) async throws -> Int {
        try await self.base.pruneTelemetry(eventsBefore: eventsBefore, aggregatesBefore: aggregatesBefore, limit: limit)
    }
}
