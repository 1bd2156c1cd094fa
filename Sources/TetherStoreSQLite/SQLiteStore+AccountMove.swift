public import Foundation
import GRDB
public import TetherCore
import TetherDomain
public import TetherStore

extension SQLiteStore {
    public func movingAccountRows(account: AccountID) async throws -> AccountRows? {
        try await self.dbWriter.read { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM account WHERE id = ?", arguments: [account.rawValue]) != nil
            else { return nil }
            var tables: [String: [[String: AccountRows.Value]]] = [:]
            for (table, column) in AccountRows.movedAccountTables {
                tables[table] = try AccountRows.fetch(db, table: table, column: column, value: account.rawValue)
            }
            // Telemetry history, keyed by device id instead of this region's device number.
            let devices = try Row.fetchAll(
                db,
                sql: """
                    SELECT number, device_id FROM device_state
                    WHERE device_id IN (SELECT id FROM device WHERE account_id = ?)
                    """,
                arguments: [account.rawValue]
            )
            for device in devices {
                let number: Int64 = device["number"]
                let id: String = device["device_id"]
                let stateTable = AccountRows.deviceStateTable
                for state in try AccountRows.fetch(db, table: stateTable, column: "number", value: number) {
                    tables[stateTable, default: []].append(AccountRows.exportedDeviceState(state))
                }
                for table in AccountRows.movedHistoryTables {
                    for row in try AccountRows.fetch(db, table: table, column: "device", value: number) {
                        tables[table, default: []].append(AccountRows.exportedHistoryRow(row, deviceID: id))
                    }
                }
            }
            return AccountRows(tables: tables)
        }
    }

    public func importMovedAccount(_ rows: AccountRows, home: RegionID, at date: Date) async throws {
        do {
            try await self.dbWriter.write { db in
                for (table, _) in AccountRows.movedAccountTables {
                    for row in rows.tables[table] ?? [] {
                        try Self.insert(
                            AccountRows.importedRow(row, table: table, home: home.rawValue),
                            into: table,
                            db
                        )
                    }
                }
                for state in rows.tables[AccountRows.deviceStateTable] ?? [] {
                    try Self.insert(state, into: AccountRows.deviceStateTable, db)
                }
                for table in AccountRows.movedHistoryTables {
                    for row in rows.tables[table] ?? [] {
                        guard let device = AccountRows.historyDeviceID(row),
                            let number = try Int64.fetchOne(
                                db,
                                sql: "SELECT number FROM device_state WHERE device_id = ?",
                                arguments: [device]
                            )
                        else { continue }
                        try Self.insert(AccountRows.importedHistoryRow(row, deviceNumber: number), into: table, db)
                    }
                }
                try Self.route(rows.credentialHashes, to: home, at: date, db)
                for id in rows.accountIDs {
                    try Self.raiseAccountChange(db, account: AccountID(rawValue: id), .accountArrived)
                }
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            // The clash is told in domain words; SQLite's own message stays out of the answer.
            throw TetherError(
                code: "move_conflict",
                kind: .conflict,
                detail: "The account, or one of its devices' serials, is already held in this region."
            )
        }
    }

    public func removeMovedAccount(_ account: AccountID, to region: RegionID, at date: Date) async throws -> Bool {
        try await self.dbWriter.write { db in
            var hashes: [String] = []
            hashes += try String.fetchAll(
                db,
                sql: "SELECT credential_hash FROM device WHERE account_id = ?",
                arguments: [account.rawValue]
            )
            for row in try Row.fetchAll(
                db,
                sql: "SELECT access_token_hash, refresh_token_hash FROM session WHERE account_id = ?",
                arguments: [account.rawValue]
            ) {
                hashes += [row[0], row[1]]
            }
            try db.execute(sql: "DELETE FROM account WHERE id = ?", arguments: [account.rawValue])
            guard db.changesCount > 0 else { return false }
            try Self.route(hashes, to: region, at: date, db)
            // The change number stays: should the account come back, its number goes on from
            // here, so a replica never holds an old copy at the version of a new one.
            return true
        }
    }

    public func credentialRoute(tokenHash: String) async throws -> RegionID? {
        try await self.dbWriter.read { db in
            try String.fetchOne(
                db,
                sql: "SELECT region FROM credential_route WHERE token_hash = ?",
                arguments: [tokenHash]
            ).flatMap(RegionID.init(rawValue:))
        }
    }

    /// Routes the credentials with digests `hashes` to `region` (replacing any earlier route).
    private static func route(_ hashes: [String], to region: RegionID, at date: Date, _ db: Database) throws {
        for hash in hashes {
            try db.execute(
                sql: "INSERT OR REPLACE INTO credential_route (token_hash, region, created_at) VALUES (?, ?, ?)",
                arguments: [hash, region.rawValue, date]
            )
        }
    }

    /// Inserts `row` into `table`, by column name.
    private static func insert(_ row: [String: AccountRows.Value], into table: String, _ db: Database) throws {
        let columns = row.keys.sorted()
        let names = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        try db.execute(
            sql: "INSERT INTO \(table) (\(names)) VALUES (\(marks))",
            arguments: StatementArguments(columns.map { row[$0]!.databaseValue })
        )
    }
}
