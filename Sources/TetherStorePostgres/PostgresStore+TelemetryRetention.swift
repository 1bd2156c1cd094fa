public import Foundation
import Logging
import PostgresNIO
public import TetherCore

/// Telemetry retention on PostgreSQL.
extension PostgresStore {
    /// Drops the partitions of `telemetry_event` whose events were all received before
    /// `eventsBefore` (``TelemetryPartition/dropIfExpired(receivedBefore:on:logger:)``), then
    /// deletes up to `limit` events received before it from the partitions that straddle the
    /// cut, with up to `limit` connection periods, daily usage rows and statistics rows each.
    ///
    /// Retention goes by receipt, as on SQLite: an event with an old device time received late
    /// stays. Only months that ended before the cut are candidates for a drop (a month whose
    /// events arrived before it ended hardly exists). A dropped partition counts all its events,
    /// so a call may return more than `limit`; it still returns less than `limit` only when
    /// nothing expired is left.
    public func pruneTelemetry(eventsBefore: Date, aggregatesBefore: UTCDay, limit: Int) async throws -> Int {
        let cutoff = eventsBefore.milliseconds
        let day = aggregatesBefore.description
        let logger = self.pool.logger
        let partitions = try await self.pool.read { connection in
            try await TelemetryPartition.existing(on: connection, logger: logger)
        }
        var pruned = 0
        for partition in partitions.sorted() where partition.end <= cutoff {
            pruned += try await partition.dropIfExpired(receivedBefore: cutoff, on: self.pool, logger: logger)
        }
        // The expired rows are found by index (receipt, connection end is not indexed but
        // small, day is the key's prefix) and deleted by key, in one statement; an event's key
        // leaves `telemetry_seen` with it, so a device may send that id again, as on SQLite.
        pruned += try await self.pool.transaction { connection in
            let rows = try await connection.query(
                """
                WITH events AS (
                    DELETE FROM telemetry_event e
                    USING (
                        SELECT device, ts_ms, id FROM telemetry_event WHERE received_ms < \(cutoff) LIMIT \(limit)
                    ) AS x
                    WHERE e.device = x.device AND e.ts_ms = x.ts_ms AND e.id = x.id
                    RETURNING e.device, e.event_id
                ), seen AS (
                    DELETE FROM telemetry_seen s USING events x WHERE s.device = x.device AND s.event_id = x.event_id
                ), periods AS (
                    DELETE FROM connection_period WHERE id IN (
                        SELECT id FROM connection_period WHERE disconnected_ms < \(cutoff) LIMIT \(limit)
                    )
                    RETURNING 1
                ), usage AS (
                    DELETE FROM daily_usage WHERE (device, day, function, operation) IN (
                        SELECT device, day, function, operation FROM daily_usage WHERE day < \(day) LIMIT \(limit)
                    )
                    RETURNING 1
                ), statistics AS (
                    DELETE FROM daily_statistic WHERE (day, kind, model, sw_version) IN (
                        SELECT day, kind, model, sw_version FROM daily_statistic WHERE day < \(day) LIMIT \(limit)
                    )
                    RETURNING 1
                )
                SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM periods)
                    + (SELECT count(*) FROM usage) + (SELECT count(*) FROM statistics)
                """,
                logger: logger
            )
            var count = 0
            for try await value in rows.decode(Int.self) { count = value }
            return count
        }
        return pruned
    }
}
