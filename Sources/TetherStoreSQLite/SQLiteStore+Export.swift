import GRDB
public import TetherStore

/// Whole tables read page by page, for `tetherd copy-store`: every row with SQLite's storage
/// classes (``TetherStore/StoredValue``), the form the PostgreSQL backend imports.
extension SQLiteStore {
    /// The tables of Tether's schema (not GRDB's or SQLite's own).
    public func tableNames() async throws -> [String] {
        try await self.dbWriter.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT name FROM sqlite_master
                    WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'
                    ORDER BY name
                    """
            )
        }
    }

    /// How many rows `table` holds; `table` must be one of ``tableNames()``.
    public func rowCount(table: String) async throws -> Int {
        try await self.dbWriter.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.quotedDatabaseIdentifier)") ?? 0
        }
    }

    /// Where the next page of a table starts.
    public enum TablePosition: Sendable, Hashable {
        /// The first page.
        case start
        /// After this rowid (tables keyed by their rowid: read by key, whatever their size).
        case afterRowID(Int64)
        /// After this many rows (tables with another primary key, read in key order).
        case offset(Int)
    }

    /// Up to `limit` rows of `table` from `position` on, in key order, and where the next page
    /// starts (`nil` after the last); `table` must be one of ``tableNames()``.
    public func tableRows(
        table: String,
        from position: TablePosition,
        limit: Int
    ) async throws -> (rows: [[String: StoredValue]], next: TablePosition?) {
        try await self.dbWriter.read { db in
            let key = try db.primaryKey(table)
            let name = table.quotedDatabaseIdentifier
            let rows: [Row]
            var rowIDs: [Int64] = []
            if let rowIDColumn = key.rowIDColumn ?? (key.columns == ["rowid"] ? "rowid" : nil) {
                let after: Int64 = if case .afterRowID(let id) = position { id } else { Int64.min }
                let column = rowIDColumn.quotedDatabaseIdentifier
                rows = try Row.fetchAll(
                    db,
                    sql: "SELECT rowid AS tether_rowid, * FROM \(name) WHERE \(column) > ? ORDER BY \(column) LIMIT ?",
                    arguments: [after, limit]
                )
                rowIDs = rows.map { $0["tether_rowid"] }
            } else {
                let offset: Int = if case .offset(let count) = position { count } else { 0 }
                let order = key.columns.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
                rows = try Row.fetchAll(
                    db,
                    sql: "SELECT * FROM \(name) ORDER BY \(order) LIMIT ? OFFSET ?",
                    arguments: [limit, offset]
                )
            }
            let values = rows.map { row in
                var values: [String: StoredValue] = [:]
                for (column, value) in row where column != "tether_rowid" { values[column] = StoredValue(value) }
                return values
            }
            guard rows.count == limit else { return (values, nil) }
            if let last = rowIDs.last { return (values, .afterRowID(last)) }
            let done: Int = if case .offset(let count) = position { count } else { 0 }
            return (values, .offset(done + rows.count))
        }
    }
}
