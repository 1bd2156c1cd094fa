public import Foundation
import GRDB
public import TetherCore
public import TetherStore

extension SQLiteStore {
    public func ingest(_ batches: [TelemetryBatch]) async throws -> [TelemetryBatchOutcome] {
        try await self.dbWriter.write { db in
            var transaction = TelemetryIngestTransaction(db: db)
            let outcomes = try batches.map { try transaction.store($0) }
            try transaction.finish()
            return outcomes
        }
    }

    public func telemetry(
        device: DeviceID,
        account: AccountID,
        query: TelemetryQuery
    ) async throws -> [StoredTelemetryEvent]? {
        try await self.dbWriter.read { db in
            try Self.readOwned(db, device: device, account: account) { number in
                var sql =
                    "SELECT event_id, ts_ms, kind, received_ms, payload FROM telemetry_event WHERE device = ? AND ts_ms >= ?"
                var arguments: StatementArguments = [number, query.since.milliseconds]
                if let until = query.until {
                    sql += " AND ts_ms < ?"
                    _ = arguments.append(contentsOf: [until.milliseconds])
                }
                if let kind = query.kind {
                    sql += " AND kind = ?"
                    _ = arguments.append(contentsOf: [kind.rawValue])
                }
                sql += " ORDER BY ts_ms DESC, id DESC LIMIT ?"
                _ = arguments.append(contentsOf: [query.limit])
                return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                    StoredTelemetryEvent(
                        event: try Self.event(row),
                        receivedAt: Date(milliseconds: row["received_ms"])
                    )
                }
            }
        }
    }

    public func telemetryState(device: DeviceID, account: AccountID) async throws -> DeviceTelemetryState? {
        try await self.dbWriter.read { db in
            guard try Self.ownsDevice(db, device: device, account: account) else { return nil }
            guard let state = try DeviceStateRecord.filter(Column("device_id") == device.rawValue).fetchOne(db) else {
                return DeviceTelemetryState()
            }
            let history = try VersionChangeRecord.filter(Column("device") == state.number)
                .order(Column("ts_ms"), Column("id"))
                .fetchAll(db)
            return state.columns.state(versionHistory: history.map(\.columns.change))
        }
    }

    public func connectionPeriods(device: DeviceID, account: AccountID, since: Date) async throws -> [ConnectionPeriod]?
    {
        try await self.dbWriter.read { db in
            try Self.readOwned(db, device: device, account: account) { number in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT connected_ms, disconnected_ms FROM connection_period
                        WHERE device = ? AND (disconnected_ms IS NULL OR disconnected_ms >= ?)
                        ORDER BY connected_ms DESC
                        """,
                    arguments: [number, since.milliseconds]
                )
                .map { row in
                    ConnectionPeriod(
                        connectedAt: Date(milliseconds: row["connected_ms"]),
                        disconnectedAt: (row["disconnected_ms"] as Int64?).map(Date.init(milliseconds:))
                    )
                }
            }
        }
    }

    public func dailyUsage(device: DeviceID, account: AccountID, from firstDay: UTCDay) async throws -> [DailyUsage]? {
        try await self.dbWriter.read { db in
            try Self.readOwned(db, device: device, account: account) { number in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT day, function, operation, count, duration_ms FROM daily_usage
                        WHERE device = ? AND day >= ? ORDER BY day, function, operation
                        """,
                    arguments: [number, firstDay.description]
                )
                .map { row in
                    guard let day = UTCDay(row["day"] as String) else {
                        throw StoreCorruption(table: "daily_usage", column: "day")
                    }
                    return DailyUsage(
                        day: day,
                        function: row["function"],
                        operation: row["operation"],
                        count: row["count"],
                        totalDurationMilliseconds: row["duration_ms"]
                    )
                }
            }
        }
    }

    public func dailyStatistics(from firstDay: UTCDay) async throws -> [DailyStatistic] {
        try await self.dbWriter.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT day, kind, model, sw_version, count FROM daily_statistic
                    WHERE day >= ? ORDER BY day, kind, model, sw_version
                    """,
                arguments: [firstDay.description]
            )
            .map { row in
                guard let day = UTCDay(row["day"] as String), let kind = TelemetryKind(rawValue: row["kind"]) else {
                    throw StoreCorruption(table: "daily_statistic", column: "day")
                }
                return DailyStatistic(
                    day: day,
                    kind: kind,
                    model: row["model"],
                    softwareVersion: row["sw_version"],
                    count: row["count"]
                )
            }
        }
    }

    public func pruneTelemetry(eventsBefore: Date, aggregatesBefore: UTCDay, limit: Int) async throws -> Int {
        let cutoff = eventsBefore.milliseconds
        let day = aggregatesBefore.description
        // Finding what expired may scan tables (no index on arrival time or day, which would cost
        // every insert); a WAL reader does that without holding up ingestion, and the write
        // transaction only deletes known keys.
        let expired = try await self.dbWriter.read { db in
            ExpiredTelemetry(
                events: try Int64.fetchAll(
                    db,
                    sql: "SELECT id FROM telemetry_event WHERE received_ms < ? ORDER BY id LIMIT ?",
                    arguments: [cutoff, limit]
                ),
                periods: try Int64.fetchAll(
                    db,
                    sql: "SELECT id FROM connection_period WHERE disconnected_ms < ? LIMIT ?",
                    arguments: [cutoff, limit]
                ),
                usage: try Row.fetchAll(
                    db,
                    sql: "SELECT device, day, function, operation FROM daily_usage WHERE day < ? LIMIT ?",
                    arguments: [day, limit]
                )
                .map { Array($0.databaseValues) },
                statistics: try Row.fetchAll(
                    db,
                    sql: "SELECT day, kind, model, sw_version FROM daily_statistic WHERE day < ? LIMIT ?",
                    arguments: [day, limit]
                )
                .map { Array($0.databaseValues) }
            )
        }
        guard !expired.isEmpty else { return 0 }
        return try await self.dbWriter.write { db in
            var pruned = 0
            for id in expired.events {
                try db.execute(
                    sql: "DELETE FROM telemetry_event WHERE id = ? AND received_ms < ?",
                    arguments: [id, cutoff]
                )
                pruned += db.changesCount
            }
            for id in expired.periods {
                try db.execute(sql: "DELETE FROM connection_period WHERE id = ?", arguments: [id])
                pruned += db.changesCount
            }
            for key in expired.usage {
                try db.execute(
                    sql: "DELETE FROM daily_usage WHERE device = ? AND day = ? AND function = ? AND operation = ?",
                    arguments: StatementArguments(key)
                )
                pruned += db.changesCount
            }
            for key in expired.statistics {
                try db.execute(
                    sql: "DELETE FROM daily_statistic WHERE day = ? AND kind = ? AND model = ? AND sw_version = ?",
                    arguments: StatementArguments(key)
                )
                pruned += db.changesCount
            }
            return pruned
        }
    }

    /// How many raw events are stored (for benchmarks and tests).
    public func telemetryEventCount(source: TelemetryEventSource = .any) async throws -> Int {
        try await self.dbWriter.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM telemetry_event" + source.whereClause) ?? 0
        }
    }

    /// The compact number of the account's device, when it has sent telemetry.
    private static func deviceNumber(_ db: Database, device: DeviceID, account: AccountID) throws -> Int64? {
        try Int64.fetchOne(
            db,
            sql: """
                SELECT s.number FROM device_state s JOIN device d ON d.id = s.device_id
                WHERE s.device_id = ? AND d.account_id = ?
                """,
            arguments: [device.rawValue, account.rawValue]
        )
    }

    /// Runs `read` with the number of the account's device: `[]` when the device has sent no
    /// telemetry yet, `nil` when it is not the account's.
    public func newestTelemetryTime(account: AccountID) async throws -> Int64? {
        try await self.dbWriter.read { db in
            try Int64.fetchOne(
                db,
                sql: """
                    SELECT max(s.last_event_ms) FROM device_state s JOIN device d ON d.id = s.device_id
                    WHERE d.account_id = ?
                    """,
                arguments: [account.rawValue]
            )
        }
    }

    public func accountTelemetry(
        account: AccountID,
        since: Int64,
        limit: Int
    ) async throws -> [(DeviceID, TelemetryEvent)] {
        try await self.dbWriter.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT d.id AS device_id, e.event_id, e.ts_ms, e.kind, e.payload
                    FROM device d JOIN device_state s ON s.device_id = d.id
                    JOIN telemetry_event e ON e.device = s.number AND e.ts_ms >= ?
                    WHERE d.account_id = ?
                    ORDER BY e.ts_ms, e.id LIMIT ?
                    """,
                arguments: [since, account.rawValue, limit]
            )
            return try rows.map { row in (DeviceID(rawValue: row["device_id"]), try Self.event(row)) }
        }
    }

    /// The event of a `telemetry_event` row.
    private static func event(_ row: Row) throws -> TelemetryEvent {
        try TelemetryColumns.event(
            id: row["event_id"],
            timestamp: row["ts_ms"],
            kind: row["kind"],
            payload: row["payload"]
        )
    }

    private static func readOwned<Item>(
        _ db: Database,
        device: DeviceID,
        account: AccountID,
        _ read: (Int64) throws -> [Item]
    ) throws -> [Item]? {
        guard let number = try Self.deviceNumber(db, device: device, account: account) else {
            return try Self.ownsDevice(db, device: device, account: account) ? [] : nil
        }
        return try read(number)
    }

    private static func ownsDevice(_ db: Database, device: DeviceID, account: AccountID) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: "SELECT EXISTS (SELECT 1 FROM device WHERE id = ? AND account_id = ?)",
            arguments: [device.rawValue, account.rawValue]
        ) ?? false
    }
}

/// What a retention sweep found expired, by key.
private struct ExpiredTelemetry: Sendable {
    var events: [Int64]
    var periods: [Int64]
    /// Keys of expired `daily_usage` rows: device, day, function, operation.
    var usage: [[DatabaseValue]]
    /// Keys of expired `daily_statistic` rows: day, kind, model, software version.
    var statistics: [[DatabaseValue]]

    var isEmpty: Bool { self.events.isEmpty && self.periods.isEmpty && self.usage.isEmpty && self.statistics.isEmpty }
}
