public import Foundation
import PostgresNIO
public import TetherCore
public import TetherStore

/// ``TelemetryStore`` on PostgreSQL.
extension PostgresStore {
    public func ingest(_ batches: [TelemetryBatch]) async throws -> [TelemetryBatchOutcome] {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func telemetry(
        device: DeviceID,
        account: AccountID,
        query: TelemetryQuery
    ) async throws -> [StoredTelemetryEvent]? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func newestTelemetryTime(account: AccountID) async throws -> Int64? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func accountTelemetry(
        account: AccountID,
        since: Int64,
        limit: Int
    ) async throws -> [(DeviceID, TelemetryEvent)] {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func telemetryState(device: DeviceID, account: AccountID) async throws -> DeviceTelemetryState? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func connectionPeriods(device: DeviceID, account: AccountID, since: Date) async throws -> [ConnectionPeriod]?
    {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func dailyUsage(device: DeviceID, account: AccountID, from firstDay: UTCDay) async throws -> [DailyUsage]? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func dailyStatistics(from firstDay: UTCDay) async throws -> [DailyStatistic] {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func pruneTelemetry(eventsBefore: Date, aggregatesBefore: UTCDay, limit: Int) async throws -> Int {
        throw PostgresStoreError.notImplemented(#function)
    }
}

extension PostgresStore {
    /// Who produced a stored event.
    public enum EventSource: Sendable {
        /// Sent by devices.
        case device
        /// Estimated by the server from scans.
        case server
        /// Both.
        case any
    }

    /// How many raw events are stored (for benchmarks and tests).
    public func telemetryEventCount(source: EventSource = .any) async throws -> Int {
        let estimated = "kind = 'location' AND payload LIKE '%\"source\":\"estimated\"%'"
        let filter =
            switch source {
            case .device: " WHERE NOT (\(estimated))"
            case .server: " WHERE \(estimated)"
            case .any: ""
            }
        let logger = self.pool.logger
        return try await self.pool.read { connection in
            var count = 0
            let rows = try await connection.query(
                "SELECT count(*) FROM telemetry_event\(unescaped: filter)",
                logger: logger
            )
            for try await value in rows.decode(Int.self) { count = value }
            return count
        }
    }
}
