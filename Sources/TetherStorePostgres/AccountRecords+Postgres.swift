import Logging
import PostgresNIO
import TetherCore
import TetherStore

/// ``AccountRecords`` read from and written to PostgreSQL's tables, through the sets'
/// declarations (``AccountRecordSet``); each value converted for its column's type
/// (``PostgresRowColumn``).
extension AccountRecords {
    /// The account's records for `purpose`, read on `connection` (inside the caller's
    /// transaction, so every set comes from one snapshot).
    static func read(
        _ connection: PostgresConnection,
        account: AccountID,
        for purpose: Purpose,
        logger: Logger
    ) async throws -> AccountRecords {
        var records = AccountRecords(purpose: purpose)
        for set in records.sets {
            var binds = PostgresBindings()
            binds.append(account.rawValue)
            let rows = try await StoredValue.fetch(
                connection,
                PostgresQuery(unsafeSQL: set.selectStatement(for: purpose, parameter: "$1"), binds: binds),
                table: set.table,
                logger: logger
            )
            records[set] = try rows.map { row in try set.record(stored: row, for: purpose) }
        }
        return records
    }

    /// Writes every record, as `account`'s held at `home`, inside the caller's transaction, one
    /// statement per set; a device's history goes under this region's number for it, into the
    /// telemetry partitions its times need.
    func write(_ connection: PostgresConnection, account: AccountID, home: RegionID, logger: Logger) async throws {
        let writer = try await PostgresRowWriter(connection, tables: self.sets.map(\.table), logger: logger)
        var numbers: [String: Int64] = [:]
        for set in self.sets {
            var rows = self[set].map { set.storedRow($0, account: account, home: home) }
            if case .deviceNumber = set.owner {
                rows = rows.compactMap { set.numbered($0, devices: numbers) }
            }
            if set == .telemetryEvents {
                let months = rows.compactMap { row -> TelemetryPartition? in
                    guard case .integer(let ts)? = row["ts_ms"] else { return nil }
                    return TelemetryPartition(holding: ts)
                }
                try await TelemetryPartition.create(Set(months), on: connection, logger: logger)
            }
            try await writer.insert(rows, into: set.table)
            if set == .deviceStates {
                numbers = try await Self.deviceNumbers(connection, account: account, logger: logger)
            }
        }
        try await TelemetrySeen.record(devices: Array(numbers.values), on: connection, logger: logger)
    }

    /// This region's device numbers of the account's devices, by device id.
    private static func deviceNumbers(
        _ connection: PostgresConnection,
        account: AccountID,
        logger: Logger
    ) async throws -> [String: Int64] {
        let rows = try await connection.query(
            """
            SELECT s.device_id, s.number FROM device_state s JOIN device d ON d.id = s.device_id
            WHERE d.account_id = \(account.rawValue)
            """,
            logger: logger
        )
        var numbers: [String: Int64] = [:]
        for try await (device, number) in rows.decode((String, Int64).self) { numbers[device] = number }
        return numbers
    }
}
