public import Foundation
import Logging
import PostgresNIO
public import TetherCore
public import TetherStore

/// ``TelemetryStore`` on PostgreSQL: ingest in ``PostgresTelemetryIngest``, the partitions of
/// `telemetry_event` in ``TelemetryPartition``, retention in `PostgresStore+TelemetryRetention`.
extension PostgresStore {
    /// Stores the batches in one transaction of a fixed number of statements
    /// (``PostgresTelemetryIngest``), acknowledged after its commit.
    ///
    /// An event whose month has no partition yet fails the insert; the partitions the batches
    /// need are then made (``TelemetryPartition/create(covering:on:logger:)``) and the
    /// transaction runs again, as it does when a landmark it meant to create appeared meanwhile.
    public func ingest(_ batches: [TelemetryBatch]) async throws -> [TelemetryBatchOutcome] {
        guard !batches.isEmpty else { return [] }
        let logger = self.pool.logger
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await self.pool.transaction { connection in
                    try await PostgresTelemetryIngest(connection: connection, logger: logger).store(batches)
                }
            } catch let error as PSQLError where error.isMissingTelemetryPartition && attempt < 5 {
                try await TelemetryPartition.create(
                    covering: batches.lazy.flatMap(\.events).map(\.timestamp),
                    on: self.pool,
                    logger: logger
                )
            } catch is PostgresTelemetryIngest.LandmarkRace where attempt < 5 {
                continue
            }
        }
    }

    /// Ingests run side by side, each on a connection of its own, on up to a quarter of the
    /// pool (at least one), which leaves the rest to reads and the alert engine. Concurrent
    /// ingests of one device take turns on its row lock.
    public var concurrentIngests: Int { max(1, self.pool.size / 4) }

    public func telemetry(
        device: DeviceID,
        account: AccountID,
        query: TelemetryQuery
    ) async throws -> [StoredTelemetryEvent]? {
        let logger = self.pool.logger
        return try await self.pool.read { connection in
            try await Self.readOwned(connection, device: device, account: account, logger: logger) { number in
                let rows = try await connection.query(
                    """
                    SELECT event_id, ts_ms, kind, received_ms, payload FROM telemetry_event
                    WHERE device = \(number) AND ts_ms >= \(query.since.milliseconds)
                        AND (\(query.until?.milliseconds)::bigint IS NULL OR ts_ms < \(query.until?.milliseconds))
                        AND (\(query.kind?.rawValue)::text IS NULL OR kind = \(query.kind?.rawValue))
                    ORDER BY ts_ms DESC, id DESC LIMIT \(query.limit)
                    """,
                    logger: logger
                )
                var events: [StoredTelemetryEvent] = []
                for try await (id, time, kind, received, payload) in rows.decode(
                    (Data, Int64, String, Int64, String).self
                ) {
                    events.append(
                        StoredTelemetryEvent(
                            event: try TelemetryColumns.event(id: id, timestamp: time, kind: kind, payload: payload),
                            receivedAt: Date(milliseconds: received)
                        )
                    )
                }
                return events
            }
        }
    }

    public func newestTelemetryTime(account: AccountID) async throws -> Int64? {
        let logger = self.pool.logger
        return try await self.pool.read { connection in
            let rows = try await connection.query(
                """
                SELECT max(s.last_event_ms) FROM device_state s JOIN device d ON d.id = s.device_id
                WHERE d.account_id = \(account.rawValue)
                """,
                logger: logger
            )
            var newest: Int64?
            for try await value in rows.decode(Int64?.self) { newest = value }
            return newest
        }
    }

    public func accountTelemetry(
        account: AccountID,
        since: Int64,
        limit: Int
    ) async throws -> [(DeviceID, TelemetryEvent)] {
        let logger = self.pool.logger
        let events = try await self.pool.read { connection in
            let rows = try await connection.query(
                """
                SELECT d.id, e.event_id, e.ts_ms, e.kind, e.payload
                FROM device d JOIN device_state s ON s.device_id = d.id
                JOIN telemetry_event e ON e.device = s.number AND e.ts_ms >= \(since)
                WHERE d.account_id = \(account.rawValue)
                ORDER BY e.ts_ms, e.id LIMIT \(limit)
                """,
                logger: logger
            )
            var events: [AccountEvent] = []
            for try await (device, id, time, kind, payload) in rows.decode((String, Data, Int64, String, String).self) {
                events.append(
                    AccountEvent(
                        device: DeviceID(rawValue: device),
                        event: try TelemetryColumns.event(id: id, timestamp: time, kind: kind, payload: payload)
                    )
                )
            }
            return events
        }
        return events.map { ($0.device, $0.event) }
    }

    public func telemetryState(device: DeviceID, account: AccountID) async throws -> DeviceTelemetryState? {
        let logger = self.pool.logger
        return try await self.pool.read { connection in
            guard try await Self.ownedDevice(connection, device: device, account: account, logger: logger) != nil else {
                return nil
            }
            let rows = try await connection.query(
                "SELECT to_jsonb(s)::text FROM device_state s WHERE device_id = \(device.rawValue)",
                logger: logger
            )
            var state: DeviceStateColumns?
            for try await json in rows.decode(String.self) { state = try PostgresRecordJSON.row(json) }
            guard let state else { return DeviceTelemetryState() }
            let history = try await connection.query(
                "SELECT to_jsonb(v)::text FROM version_change v WHERE device = \(state.number) ORDER BY ts_ms, id",
                logger: logger
            )
            var changes: [VersionChange] = []
            for try await json in history.decode(String.self) {
                changes.append(try PostgresRecordJSON.row(json, as: VersionChangeColumns.self).change)
            }
            return state.state(versionHistory: changes)
        }
    }

    public func connectionPeriods(device: DeviceID, account: AccountID, since: Date) async throws -> [ConnectionPeriod]?
    {
        let logger = self.pool.logger
        return try await self.pool.read { connection in
            try await Self.readOwned(connection, device: device, account: account, logger: logger) { number in
                let rows = try await connection.query(
                    """
                    SELECT connected_ms, disconnected_ms FROM connection_period
                    WHERE device = \(number) AND (disconnected_ms IS NULL OR disconnected_ms >= \(since.milliseconds))
                    ORDER BY connected_ms DESC
                    """,
                    logger: logger
                )
                var periods: [ConnectionPeriod] = []
                for try await (connected, disconnected) in rows.decode((Int64, Int64?).self) {
                    periods.append(
                        ConnectionPeriod(
                            connectedAt: Date(milliseconds: connected),
                            disconnectedAt: disconnected.map(Date.init(milliseconds:))
                        )
                    )
                }
                return periods
            }
        }
    }

    public func dailyUsage(device: DeviceID, account: AccountID, from firstDay: UTCDay) async throws -> [DailyUsage]? {
        let logger = self.pool.logger
        return try await self.pool.read { connection in
            try await Self.readOwned(connection, device: device, account: account, logger: logger) { number in
                let rows = try await connection.query(
                    """
                    SELECT day, function, operation, count, duration_ms FROM daily_usage
                    WHERE device = \(number) AND day >= \(firstDay.description) ORDER BY day, function, operation
                    """,
                    logger: logger
                )
                var usage: [DailyUsage] = []
                for try await (day, function, operation, count, duration) in rows.decode(
                    (String, String, String, Int, Int64).self
                ) {
                    guard let day = UTCDay(day) else { throw TelemetryColumns.UnreadableColumn(column: "day") }
                    usage.append(
                        DailyUsage(
                            day: day,
                            function: function,
                            operation: operation,
                            count: count,
                            totalDurationMilliseconds: duration
                        )
                    )
                }
                return usage
            }
        }
    }

    public func dailyStatistics(from firstDay: UTCDay) async throws -> [DailyStatistic] {
        let logger = self.pool.logger
        return try await self.pool.read { connection in
            let rows = try await connection.query(
                """
                SELECT day, kind, model, sw_version, count FROM daily_statistic
                WHERE day >= \(firstDay.description) ORDER BY day, kind, model, sw_version
                """,
                logger: logger
            )
            var statistics: [DailyStatistic] = []
            for try await (day, kind, model, version, count) in rows.decode((String, String, String, String, Int).self)
            {
                guard let day = UTCDay(day), let kind = TelemetryKind(rawValue: kind) else {
                    throw TelemetryColumns.UnreadableColumn(column: "day")
                }
                statistics.append(
                    DailyStatistic(day: day, kind: kind, model: model, softwareVersion: version, count: count)
                )
            }
            return statistics
        }
    }
}

extension PostgresStore {
    /// How many raw events are stored (for benchmarks and tests).
    public func telemetryEventCount(source: TelemetryEventSource = .any) async throws -> Int {
        let filter = source.whereClause
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

    /// The device's number when it is the account's: `.some(nil)` before its first telemetry,
    /// `nil` when it is not the account's.
    private static func ownedDevice(
        _ connection: PostgresConnection,
        device: DeviceID,
        account: AccountID,
        logger: Logger
    ) async throws -> Int64?? {
        let rows = try await connection.query(
            """
            SELECT s.number FROM device d LEFT JOIN device_state s ON s.device_id = d.id
            WHERE d.id = \(device.rawValue) AND d.account_id = \(account.rawValue)
            """,
            logger: logger
        )
        var owned: Int64?? = nil
        for try await number in rows.decode(Int64?.self) { owned = .some(number) }
        return owned
    }

    /// Runs `read` with the number of the account's device: `[]` when the device has sent no
    /// telemetry yet, `nil` when it is not the account's.
    private static func readOwned<Item: Sendable>(
        _ connection: PostgresConnection,
        device: DeviceID,
        account: AccountID,
        logger: Logger,
        _ read: (Int64) async throws -> [Item]
    ) async throws -> [Item]? {
        switch try await Self.ownedDevice(connection, device: device, account: account, logger: logger) {
        case .none: return nil
        case .some(.none): return []
        case .some(.some(let number)): return try await read(number)
        }
    }
}

/// One event of ``PostgresStore/accountTelemetry(account:since:limit:)`` (a tuple is not `Sendable`).
private struct AccountEvent: Sendable {
    var device: DeviceID
    var event: TelemetryEvent
}

extension PSQLError {
    /// An insert found no partition of `telemetry_event` for an event's device time.
    var isMissingTelemetryPartition: Bool {
        self.sqlState == "23514" && self.serverInfo?[.tableName] == "telemetry_event"
    }
}
