import Logging
import PostgresNIO
public import TetherStore

/// Whole tables written into an empty PostgreSQL database in one transaction, for
/// `tetherd copy-store`: a region moving off the embedded SQLite default.
extension PostgresStore {
    /// Every table of the schema, parents before the tables that refer to them: the order a
    /// copy writes them in.
    public static var tablesInCopyOrder: [String] { PostgresSchema.tablesInCopyOrder }

    /// Where one table's copy stands, for progress lines.
    public struct ImportProgress: Sendable {
        /// The table being written.
        public var table: String
        /// Rows of it written so far.
        public var rows: Int
    }

    /// Why an import did not start.
    public enum ImportRefusal: Error, CustomStringConvertible, Equatable {
        /// A Tether table of the target already holds rows.
        case notEmpty(table: String)

        public var description: String {
            switch self {
            case .notEmpty(let table):
                "The target database's table \(table) already holds rows; copy-store writes only into an empty database."
            }
        }
    }

    /// Writes every table of ``tablesInCopyOrder`` from `pages` (called with a table and the
    /// position the previous page returned, until it returns no next position), in one
    /// transaction, and returns the row count of each table after the copy, read in the same
    /// transaction. Identity sequences continue after the copied values.
    ///
    /// Columns the source has and PostgreSQL's table does not (SQLite's `telemetry_event.id`,
    /// a rowid) are left out; any other unknown column fails the copy.
    ///
    /// - Throws: ``ImportRefusal/notEmpty(table:)`` before writing anything when a table of the
    ///   target holds rows.
    public func importTables<Position: Sendable>(
        pages:
            @escaping @Sendable (_ table: String, _ from: Position?) async throws -> (
                rows: [[String: StoredValue]], next: Position?
            ),
        progress: @escaping @Sendable (ImportProgress) -> Void
    ) async throws -> [String: Int] {
        let logger = self.pool.logger
        let tables = PostgresSchema.tablesInCopyOrder
        return try await self.pool.transaction { connection in
            for table in tables {
                let rows = try await connection.query(
                    "SELECT EXISTS (SELECT 1 FROM \(unescaped: table))",
                    logger: logger
                )
                for try await exists in rows.decode(Bool.self) where exists {
                    throw ImportRefusal.notEmpty(table: table)
                }
            }
            let writer = try await PostgresRowWriter(connection, tables: tables, logger: logger)
            let identities = try await Self.identityColumns(connection, logger)
            var counts: [String: Int] = [:]
            for table in tables {
                let tableColumns = writer.columns[table] ?? [:]
                var position: Position? = nil
                var written = 0
                repeat {
                    let page = try await pages(table, position)
                    let rows = page.rows.map { row in
                        row.filter { name, _ in tableColumns[name] != nil || !Self.droppedColumns.contains(name) }
                    }
                    if table == "telemetry_event" {
                        try await TelemetryPartition.create(holding: rows, on: connection, logger: logger)
                    }
                    try await writer.insert(rows, into: table)
                    written += rows.count
                    progress(ImportProgress(table: table, rows: written))
                    position = page.next
                } while position != nil
                if table == "telemetry_event" {
                    try await TelemetrySeen.record(devices: nil, on: connection, logger: logger)
                }
                for column in identities[table] ?? [] {
                    try await connection.query(
                        """
                        SELECT setval(pg_get_serial_sequence(\(table), \(column)),
                            coalesce((SELECT max(\(unescaped: column)) FROM \(unescaped: table)), 0) + 1, false)
                        """,
                        logger: logger
                    )
                }
                let count = try await connection.query("SELECT count(*) FROM \(unescaped: table)", logger: logger)
                for try await value in count.decode(Int.self) { counts[table] = value }
            }
            return counts
        }
    }

    /// Source columns that PostgreSQL's tables do without.
    static let droppedColumns: Set<String> = ["id"]

    /// The identity columns of every table, by table.
    private static func identityColumns(
        _ connection: PostgresConnection,
        _ logger: Logger
    ) async throws -> [String: [String]] {
        let rows = try await connection.query(
            """
            SELECT table_name::text, column_name::text FROM information_schema.columns
            WHERE table_schema = current_schema() AND is_identity = 'YES'
            """,
            logger: logger
        )
        var identities: [String: [String]] = [:]
        for try await (table, column) in rows.decode((String, String).self) {
            identities[table, default: []].append(column)
        }
        return identities
    }
}

extension PostgresSchema {
    /// Every table, parents first.
    static let tablesInCopyOrder = [
        "account", "session", "device", "pairing_request", "failed_sign_in", "operator_token", "credential_route",
        "account_change", "change_counter", "device_state", "telemetry_event", "version_change",
        "connection_period", "daily_usage", "daily_statistic", "radio_landmark", "alert", "alert_scope", "fence",
        "quiet_window", "account_alerting", "webhook_delivery", "setting_field", "setting_clock", "setting_conflict",
        "backup_key", "backup_chunk", "backup_pack", "backup_snapshot", "backup_snapshot_chunk", "directory_record",
        "directory_reservation", "replication_checkpoint", "replica_record",
    ]
}
