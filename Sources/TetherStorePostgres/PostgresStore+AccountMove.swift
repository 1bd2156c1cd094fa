public import Foundation
import Logging
import PostgresNIO
public import TetherCore
import TetherDomain
public import TetherStore

/// ``AccountMoveStore`` on PostgreSQL. The rows travel as a SQLite region ships them
/// (``PostgresRowColumn``), so an account moves between regions on either backend.
extension PostgresStore {
    public func movingAccountRows(account: AccountID) async throws -> AccountRows? {
        let logger = self.pool.logger
        // One snapshot for every table.
        return try await self.pool.transaction(.repeatableRead) { connection in
            guard try await Self.accountExists(connection, account: account, lock: false, logger: logger) else {
                return nil
            }
            var tables = try await AccountRows.fetch(
                connection,
                tables: AccountRows.movedAccountTables,
                account: account.rawValue,
                logger: logger
            )
            // Telemetry history, keyed by device id instead of this region's device number.
            let stateTable = AccountRows.deviceStateTable
            let states = try await AccountRows.fetch(
                connection,
                """
                SELECT s.* FROM \(unescaped: stateTable) s JOIN device d ON d.id = s.device_id
                WHERE d.account_id = \(account.rawValue)
                """,
                table: stateTable,
                logger: logger
            )
            if !states.isEmpty { tables[stateTable] = states.map(AccountRows.exportedDeviceState) }
            for table in AccountRows.movedHistoryTables {
                let rows = try await AccountRows.fetch(
                    connection,
                    """
                    SELECT h.*, s.device_id AS moving_device_id FROM \(unescaped: table) h
                    JOIN \(unescaped: stateTable) s ON s.number = h.device JOIN device d ON d.id = s.device_id
                    WHERE d.account_id = \(account.rawValue)
                    """,
                    table: table,
                    logger: logger
                )
                guard !rows.isEmpty else { continue }
                tables[table] = try rows.map { row in
                    guard case .text(let device)? = row["moving_device_id"] else {
                        throw StoreCorruption(table: stateTable, column: "device_id")
                    }
                    var row = row
                    row["moving_device_id"] = nil
                    return AccountRows.exportedHistoryRow(row, deviceID: device)
                }
            }
            return AccountRows(tables: tables)
        }
    }

    public func importMovedAccount(_ rows: AccountRows, home: RegionID, at date: Date) async throws {
        let logger = self.pool.logger
        do {
            try await self.pool.transaction { connection in
                let stateTable = AccountRows.deviceStateTable
                let tables = AccountRows.movedAccountTables.map(\.table) + [stateTable] + AccountRows.movedHistoryTables
                let writer = try await PostgresRowWriter(connection, tables: tables, logger: logger)
                for (table, _) in AccountRows.movedAccountTables {
                    let moved = (rows.tables[table] ?? []).map {
                        AccountRows.importedRow($0, table: table, home: home.rawValue)
                    }
                    try await writer.insert(moved, into: table)
                }
                let states = rows.tables[stateTable] ?? []
                try await writer.insert(states, into: stateTable)
                let numbers = try await Self.deviceNumbers(
                    connection,
                    devices: states.compactMap { row in
                        guard case .text(let device)? = row["device_id"] else { return nil }
                        return device
                    },
                    logger: logger
                )
                for table in AccountRows.movedHistoryTables {
                    let history = (rows.tables[table] ?? []).compactMap { row -> [String: AccountRows.Value]? in
                        guard let device = AccountRows.historyDeviceID(row), let number = numbers[device] else {
                            return nil
                        }
                        return AccountRows.importedHistoryRow(row, deviceNumber: number)
                    }
                    if table == "telemetry_event" {
                        try await TelemetryPartition.create(holding: history, on: connection, logger: logger)
                    }
                    try await writer.insert(history, into: table)
                }
                try await TelemetrySeen.record(devices: Array(numbers.values), on: connection, logger: logger)
                try await Self.route(rows.credentialHashes, to: home, at: date, connection, logger: logger)
                for id in rows.accountIDs {
                    try await Self.raiseAccountChange(
                        connection,
                        account: AccountID(rawValue: id),
                        .accountArrived,
                        logger: logger
                    )
                }
            }
        } catch let error as PSQLError where error.sqlState?.hasPrefix("23") == true {
            // An integrity constraint refused a row: the clash is told in domain words, and
            // PostgreSQL's own message stays out of the answer.
            throw TetherError(
                code: "move_conflict",
                kind: .conflict,
                detail: "The account, or one of its devices' serials, is already held in this region."
            )
        }
    }

    public func removeMovedAccount(_ account: AccountID, to region: RegionID, at date: Date) async throws -> Bool {
        let logger = self.pool.logger
        return try await self.pool.transaction { connection in
            // The account's lock: no session or device of it appears between reading their
            // credentials and deleting them.
            guard try await Self.accountExists(connection, account: account, lock: true, logger: logger) else {
                return false
            }
            let rows = try await connection.query(
                """
                SELECT credential_hash FROM device WHERE account_id = \(account.rawValue)
                UNION ALL SELECT access_token_hash FROM session WHERE account_id = \(account.rawValue)
                UNION ALL SELECT refresh_token_hash FROM session WHERE account_id = \(account.rawValue)
                """,
                logger: logger
            )
            var hashes: [String] = []
            for try await hash in rows.decode(String.self) { hashes.append(hash) }
            try await connection.query("DELETE FROM account WHERE id = \(account.rawValue)", logger: logger)
            try await Self.route(hashes, to: region, at: date, connection, logger: logger)
            // The change number stays: should the account come back, its number goes on from
            // here, so a replica never holds an old copy at the version of a new one.
            return true
        }
    }

    public func credentialRoute(tokenHash: String) async throws -> RegionID? {
        let logger = self.pool.logger
        return try await self.pool.read { connection in
            let rows = try await connection.query(
                "SELECT region FROM credential_route WHERE token_hash = \(tokenHash)",
                logger: logger
            )
            var region: RegionID?
            for try await name in rows.decode(String.self) { region = RegionID(rawValue: name) }
            return region
        }
    }

    /// Whether the account exists; with `lock`, its row stays locked (`FOR UPDATE`) until the
    /// transaction ends.
    static func accountExists(
        _ connection: PostgresConnection,
        account: AccountID,
        lock: Bool,
        logger: Logger
    ) async throws -> Bool {
        let rows = try await connection.query(
            "SELECT 1 FROM account WHERE id = \(account.rawValue) \(unescaped: lock ? "FOR UPDATE" : "")",
            logger: logger
        )
        var exists = false
        for try await _ in rows { exists = true }
        return exists
    }

    /// This region's device numbers of `devices`, by device id.
    private static func deviceNumbers(
        _ connection: PostgresConnection,
        devices: [String],
        logger: Logger
    ) async throws -> [String: Int64] {
        guard !devices.isEmpty else { return [:] }
        let rows = try await connection.query(
            "SELECT device_id, number FROM device_state WHERE device_id = ANY(\(devices))",
            logger: logger
        )
        var numbers: [String: Int64] = [:]
        for try await (device, number) in rows.decode((String, Int64).self) { numbers[device] = number }
        return numbers
    }

    /// Routes the credentials with digests `hashes` to `region`, replacing any earlier route,
    /// in one statement.
    private static func route(
        _ hashes: [String],
        to region: RegionID,
        at date: Date,
        _ connection: PostgresConnection,
        logger: Logger
    ) async throws {
        var seen = Set<String>()
        let unique = hashes.filter { seen.insert($0).inserted }
        guard !unique.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO credential_route (token_hash, region, created_at)
            SELECT hash, \(region.rawValue), \(date) FROM unnest(\(unique)) AS routed(hash)
            ON CONFLICT (token_hash) DO UPDATE SET region = excluded.region, created_at = excluded.created_at
            """,
            logger: logger
        )
    }
}
