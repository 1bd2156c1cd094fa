public import Foundation
public import TetherCore

/// One device's valid events of one request, as the ingestion pipeline hands them to the store.
public struct TelemetryBatch: Sendable {
    /// The sending device.
    public var device: DeviceID
    /// The events, in batch order; already validated.
    public var events: [TelemetryEvent]
    /// When the server received the request.
    public var receivedAt: Date

    /// Creates a batch.
    public init(device: DeviceID, events: [TelemetryEvent], receivedAt: Date) {
        self.device = device
        self.events = events
        self.receivedAt = receivedAt
    }
}

/// What storing one ``TelemetryBatch`` did.
public struct TelemetryBatchOutcome: Sendable, Hashable {
    /// Events stored now.
    public var accepted: Int
    /// Events that were stored before (same device and event id).
    public var duplicate: Int
    /// Positions the server estimated from scans and stored as `location` events of source
    /// `estimated`.
    public var estimated: Int
    /// The device was removed before the batch could be stored; nothing was.
    public var deviceRemoved: Bool
    /// The events stored now, estimated positions included, in device-time order: what the
    /// alert engine evaluates (a resent event is not evaluated twice).
    public var stored: [TelemetryEvent]

    /// Creates an outcome.
    public init(
        accepted: Int = 0,
        duplicate: Int = 0,
        estimated: Int = 0,
        deviceRemoved: Bool = false,
        stored: [TelemetryEvent] = []
    ) {
        self.accepted = accepted
        self.duplicate = duplicate
        self.estimated = estimated
        self.deviceRemoved = deviceRemoved
        self.stored = stored
    }
}

/// Stores telemetry and the state derived from it.
///
/// Every read is scoped to the account: another account's device id answers `nil`.
public protocol TelemetryStore: Sendable {
    /// Stores the batches in one transaction, with every piece of derived state (last seen,
    /// last location, properties and version history, connection periods, daily usage, operator
    /// statistics, learned radio landmarks). Idempotent by device and event id. When this
    /// returns, the batches are durable.
    func ingest(_ batches: [TelemetryBatch]) async throws -> [TelemetryBatchOutcome]

    /// How many ``ingest(_:)`` calls may usefully run at once: 1 where one writer at a time is
    /// all the storage allows (SQLite), more where concurrent transactions proceed side by side.
    var concurrentIngests: Int { get }

    /// The device's events that match `query`, newest first.
    func telemetry(device: DeviceID, account: AccountID, query: TelemetryQuery) async throws -> [StoredTelemetryEvent]?

    /// The newest device time of any event of the account's devices; `nil` before the first.
    func newestTelemetryTime(account: AccountID) async throws -> Int64?

    /// The events of every device of the account from device time `since` on, oldest first, at
    /// most `limit` (what rebuilds the alert engines after a start, in one read).
    func accountTelemetry(account: AccountID, since: Int64, limit: Int) async throws -> [(DeviceID, TelemetryEvent)]

    /// What ingestion derived about the device.
    func telemetryState(device: DeviceID, account: AccountID) async throws -> DeviceTelemetryState?

    /// The device's connection periods that ended at or after `since` (or are open), newest first.
    func connectionPeriods(device: DeviceID, account: AccountID, since: Date) async throws -> [ConnectionPeriod]?

    /// The device's daily usage from `firstDay` on, by day, function and operation.
    func dailyUsage(device: DeviceID, account: AccountID, from firstDay: UTCDay) async throws -> [DailyUsage]?

    /// Operator statistics from `firstDay` on.
    func dailyStatistics(from firstDay: UTCDay) async throws -> [DailyStatistic]

    /// Deletes up to `limit` raw events received before `eventsBefore`, with the connection
    /// periods that ended before it, and the daily aggregates of days before `aggregatesBefore`.
    /// Returns how many records went; call again until it returns less than `limit`.
    func pruneTelemetry(eventsBefore: Date, aggregatesBefore: UTCDay, limit: Int) async throws -> Int
}

extension TelemetryStore {
    /// One writer at a time.
    public var concurrentIngests: Int { 1 }
}
