import Foundation
import GRDB
import TetherCore
import TetherStore

/// ``AccountRecords`` read from and written to SQLite's tables, through the sets'
/// declarations (``AccountRecordSet``).
extension AccountRecords {
    /// The account's records for `purpose`, read inside the caller's transaction.
    static func read(_ db: Database, account: AccountID, for purpose: Purpose) throws -> AccountRecords {
        var records = AccountRecords(purpose: purpose)
        for set in records.sets {
            // Cached: a round reads these statements for every account.
            let statement = try db.cachedStatement(sql: set.selectStatement(for: purpose, parameter: "?"))
            let rows = try Row.fetchAll(statement, arguments: [account.rawValue])
            records[set] = try rows.map { row in
                var values: [String: StoredValue] = [:]
                for (column, value) in row { values[column] = StoredValue(value) }
                return try set.record(stored: values, for: purpose)
            }
        }
        return records
    }

    /// Writes every record, as `account`'s held at `home`, inside the caller's transaction; a
    /// device's history goes under this region's number for it.
    func write(_ db: Database, account: AccountID, home: RegionID) throws {
        var numbers: [String: Int64] = [:]
        for set in self.sets {
            for record in self[set] {
                var row = set.storedRow(record, account: account, home: home)
                if case .deviceNumber = set.owner {
                    guard let numbered = set.numbered(row, devices: numbers) else { continue }
                    row = numbered
                }
                let columns = row.keys.sorted()
                let names = columns.map { "\"\($0)\"" }.joined(separator: ", ")
                let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
                try db.execute(
                    sql: "INSERT INTO \(set.table) (\(names)) VALUES (\(marks))",
                    arguments: StatementArguments(columns.map { row[$0]!.databaseValue })
                )
                if set == .deviceStates, case .text(let device)? = row["device_id"] {
                    numbers[device] = db.lastInsertedRowID
                }
            }
        }
    }
}
