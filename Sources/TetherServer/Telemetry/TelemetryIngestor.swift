import Metrics
import TetherCore
public import TetherStore

/// The writer of telemetry, with group commit: requests queue their batches, and a transaction
/// stores everything that queued while the previous one committed. Under load many requests
/// share one commit; a lone request still commits at once. As many transactions run at once as
/// the store's ``TetherStore/TelemetryStore/concurrentIngests`` (one on SQLite, its single
/// writer; several on PostgreSQL, where each takes the queue's batches of the moment).
///
/// ```swift
/// let ingestor = TelemetryIngestor(store: store)
/// let outcome = try await ingestor.ingest(batch)  // returns after the commit
/// ```
public actor TelemetryIngestor {
    private let store: any TelemetryStore
    private let maxEventsPerTransaction: Int
    private let maxWriters: Int
    private var queue: [Pending] = []
    private var writers = 0

    private let transactionEvents = Recorder(label: "tether_ingest_transaction_events")
    private let transactionBatches = Recorder(label: "tether_ingest_transaction_batches")
    private let transactionDuration = Metrics.Timer(label: "tether_ingest_transaction_duration")

    private struct Pending {
        var batch: TelemetryBatch
        var continuation: CheckedContinuation<TelemetryBatchOutcome, any Error>
    }

    /// Creates the writer for `store`; one transaction holds at most `maxEventsPerTransaction`
    /// events (a single larger batch still goes alone).
    public init(store: any TelemetryStore, maxEventsPerTransaction: Int = 20_000) {
        self.store = store
        self.maxEventsPerTransaction = maxEventsPerTransaction
        self.maxWriters = max(1, store.concurrentIngests)
    }

    /// Batches waiting for a writer.
    public var queuedBatches: Int { self.queue.count }

    /// Stores the batch; returns once it is committed.
    public func ingest(_ batch: TelemetryBatch) async throws -> TelemetryBatchOutcome {
        try await withCheckedThrowingContinuation { continuation in
            self.queue.append(Pending(batch: batch, continuation: continuation))
            if self.writers < self.maxWriters {
                self.writers += 1
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !self.queue.isEmpty {
            var events = 0
            let count = self.queue.prefix { pending in
                defer { events += pending.batch.events.count }
                return events == 0 || events + pending.batch.events.count <= self.maxEventsPerTransaction
            }
            .count
            let group = Array(self.queue.prefix(max(count, 1)))
            self.queue.removeFirst(group.count)
            await self.write(group)
        }
        self.writers -= 1
    }

    private func write(_ group: [Pending]) async {
        let start = ContinuousClock.now
        do {
            let outcomes = try await self.store.ingest(group.map(\.batch))
            self.transactionDuration.recordNanoseconds(start.duration(to: .now).nanoseconds)
            self.transactionBatches.record(group.count)
            self.transactionEvents.record(group.reduce(0) { $0 + $1.batch.events.count })
            for (pending, outcome) in zip(group, outcomes) {
                pending.continuation.resume(returning: outcome)
            }
        } catch  where group.count > 1 {
            // Nothing of the group was stored; store each batch alone so one cannot fail the rest.
            for pending in group {
                await self.write([pending])
            }
        } catch {
            group[0].continuation.resume(throwing: error)
        }
    }
}
