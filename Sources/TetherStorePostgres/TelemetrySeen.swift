import Logging
import PostgresNIO

/// `telemetry_seen`, the key of every stored event (migration 2), for the paths that write
/// `telemetry_event` rows other than ingest: a copy from SQLite and an account moving in.
enum TelemetrySeen {
    /// Records the keys of the stored events of `devices` (device numbers), or of every device
    /// when `devices` is nil, that `telemetry_seen` does not hold yet; inside the caller's
    /// transaction, after the events went in.
    static func record(devices: [Int64]?, on connection: PostgresConnection, logger: Logger) async throws {
        if let devices {
            try await connection.query(
                """
                INSERT INTO telemetry_seen (device, event_id)
                SELECT device, event_id FROM telemetry_event WHERE device = ANY(\(devices))
                ON CONFLICT DO NOTHING
                """,
                logger: logger
            )
        } else {
            try await connection.query(
                """
                INSERT INTO telemetry_seen (device, event_id) SELECT device, event_id FROM telemetry_event
                ON CONFLICT DO NOTHING
                """,
                logger: logger
            )
        }
    }
}
