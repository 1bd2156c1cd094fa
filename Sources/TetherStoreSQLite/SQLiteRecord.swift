import GRDB
import TetherStore

/// A row type TetherStore shares with the other backends, stored in one SQLite table whose
/// columns are its properties in snake case.
protocol SQLiteTableRow: Codable {
    /// The table's name.
    static var sqliteTable: String { get }
}

/// The GRDB record of a ``SQLiteTableRow`` (the conformance stays in this module, so GRDB does
/// not leak into TetherStore's types).
struct SQLiteRecord<Row: SQLiteTableRow>: Codable, FetchableRecord, PersistableRecord {
    static var databaseTableName: String { Row.sqliteTable }
    static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }

    var row: Row

    init(_ row: Row) {
        self.row = row
    }

    init(from decoder: any Decoder) throws {
        self.row = try Row(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try self.row.encode(to: encoder)
    }
}

extension SQLiteTableRow {
    /// Requests for the table's rows.
    typealias Records = SQLiteRecord<Self>

    /// Inserts the row.
    func insert(_ db: Database) throws {
        try SQLiteRecord(self).insert(db)
    }
}

extension AlertScopeRow: SQLiteTableRow {
    static var sqliteTable: String { "alert_scope" }
}

extension FenceRow: SQLiteTableRow {
    static var sqliteTable: String { Self.table }
}

extension QuietWindowRow: SQLiteTableRow {
    static var sqliteTable: String { Self.table }
}

extension AccountAlertingRow: SQLiteTableRow {
    static var sqliteTable: String { "account_alerting" }
}

extension SettingFieldRow: SQLiteTableRow {
    static var sqliteTable: String { Self.table }
}

extension SettingClockRow: SQLiteTableRow {
    static var sqliteTable: String { "setting_clock" }
}

extension SettingConflictRow: SQLiteTableRow {
    static var sqliteTable: String { Self.table }
}
