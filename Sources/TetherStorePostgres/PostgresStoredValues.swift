import Foundation
import Logging
import PostgresNIO
import TetherStore

/// How a PostgreSQL column's values read and write as ``StoredValue``s (SQLite's storage
/// classes): the one mapping between the two, read from a column's type and used both ways, so
/// `tetherd copy-store` and the account records' conversion (``AccountRecordSet``) see the same
/// values on either backend.
///
/// | PostgreSQL | reads as |
/// |---|---|
/// | `text`, `varchar` | text |
/// | `bigint`, `integer`, `smallint`, `boolean` | integer (a flag as 0 or 1) |
/// | `double precision`, `real` | real |
/// | `bytea` | blob |
/// | `timestamptz` | text, `yyyy-MM-dd HH:mm:ss.SSS` in UTC (``StoredValue/dateText(milliseconds:)``) |
enum PostgresRowColumn: Sendable, Hashable {
    case text, integer, boolean, real, blob, instant

    /// The kind of a column of `type`; `nil` for a type no table of Tether's uses.
    init?(_ type: PostgresDataType) {
        switch type {
        case .text, .varchar, .bpchar, .name: self = .text
        case .int8, .int4, .int2: self = .integer
        case .bool: self = .boolean
        case .float8, .float4: self = .real
        case .bytea: self = .blob
        case .timestamptz, .timestamp: self = .instant
        default: return nil
        }
    }

    /// Microseconds between 1970-01-01 and PostgreSQL's epoch, 2000-01-01.
    private static let epochOffsetMicroseconds: Int64 = 946_684_800_000_000

    /// The stored value of a cell of this kind.
    func value(_ cell: PostgresCell) throws -> StoredValue {
        guard cell.bytes != nil else { return .null }
        switch self {
        case .text: return .text(try cell.decode(String.self))
        case .integer: return .integer(try cell.decode(Int64.self))
        case .boolean: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .real: return .real(try cell.decode(Double.self))
        case .blob: return .blob(try cell.decode(Data.self))
        case .instant:
            // The stored microseconds themselves, not a `Date` made of them: no rounding of a
            // binary fraction moves the millisecond.
            guard var bytes = cell.bytes, cell.format == .binary, bytes.readableBytes == 8,
                let microseconds = bytes.readInteger(as: Int64.self)
            else { throw PostgresRowColumn.Unreadable(column: cell.columnName) }
            // Rounded to the nearest millisecond, as GRDB's formatter rounds a `Date`.
            let halfUp = microseconds + Self.epochOffsetMicroseconds + 500
            let milliseconds = halfUp >= 0 ? halfUp / 1_000 : (halfUp - 999) / 1_000
            return .text(StoredValue.dateText(milliseconds: milliseconds))
        }
    }

    /// The value as input to a column of this kind (inside a JSON document that
    /// `jsonb_populate_recordset` reads); `nil` when the value cannot be one (SQLite would
    /// have kept it, in a column of another affinity).
    func input(_ value: StoredValue) -> PostgresJSONInput? {
        switch (self, value) {
        case (_, .null): return .null
        case (.text, .text(let text)): return .text(text)
        case (.text, .integer(let integer)): return .text(String(integer))
        case (.text, .real(let real)): return .text(String(real))
        case (.integer, .integer(let integer)): return .integer(integer)
        case (.integer, .real(let real)):
            guard let integer = Int64(exactly: real) else { return nil }
            return .integer(integer)
        case (.boolean, .integer(let integer)): return .boolean(integer != 0)
        case (.real, .integer(let integer)): return .real(Double(integer))
        case (.real, .real(let real)): return .real(real)
        case (.blob, .blob(let data)): return .text("\\x" + data.map { String(format: "%02x", $0) }.joined())
        case (.instant, .text(let text)):
            guard let milliseconds = StoredValue.dateMilliseconds(text) else { return nil }
            return .text(StoredValue.dateText(milliseconds: milliseconds) + "+00")
        case (.instant, .integer(let seconds)):
            return .text(StoredValue.dateText(milliseconds: seconds * 1_000) + "+00")
        case (.instant, .real(let seconds)):
            return .text(StoredValue.dateText(milliseconds: Int64((seconds * 1_000 + 0.5).rounded(.down))) + "+00")
        default: return nil
        }
    }

    /// A stored value that does not read as its column's type.
    struct Unreadable: Error, CustomStringConvertible {
        var column: String
        var description: String { "unreadable value in column \(self.column)" }
    }
}

/// One value of a row written through `jsonb_populate_recordset`.
enum PostgresJSONInput: Encodable, Sendable {
    case null
    case integer(Int64)
    case boolean(Bool)
    case real(Double)
    case text(String)

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .integer(let value): try container.encode(value)
        case .boolean(let value): try container.encode(value)
        case .real(let value): try container.encode(value)
        case .text(let value): try container.encode(value)
        }
    }
}

extension StoredValue {
    /// Reads the rows of `query`, every column by its type (``PostgresRowColumn``); `table`
    /// names them in errors.
    static func fetch(
        _ connection: PostgresConnection,
        _ query: PostgresQuery,
        table: String,
        logger: Logger
    ) async throws -> [[String: StoredValue]] {
        var rows: [[String: StoredValue]] = []
        for try await row in try await connection.query(query, logger: logger) {
            var values: [String: StoredValue] = [:]
            for cell in row {
                guard let column = PostgresRowColumn(cell.dataType) else {
                    throw StoreCorruption(table: table, column: cell.columnName)
                }
                do {
                    values[cell.columnName] = try column.value(cell)
                } catch {
                    throw StoreCorruption(table: table, column: cell.columnName)
                }
            }
            rows.append(values)
        }
        return rows
    }
}

/// Writes rows (``StoredValue``s by column) into tables whose columns it read from the catalog
/// once, each value converted for its column (``PostgresRowColumn``).
struct PostgresRowWriter {
    let connection: PostgresConnection
    let logger: Logger
    /// Column kinds by table and column name.
    let columns: [String: [String: PostgresRowColumn]]

    /// A writer for `tables`, reading their columns from the catalog in one query.
    init(_ connection: PostgresConnection, tables: [String], logger: Logger) async throws {
        self.connection = connection
        self.logger = logger
        let rows = try await connection.query(
            """
            SELECT c.relname::text, a.attname::text, a.atttypid::int8
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relname = ANY(\(tables)) AND n.nspname = current_schema() AND a.attnum > 0 AND NOT a.attisdropped
            """,
            logger: logger
        )
        var columns: [String: [String: PostgresRowColumn]] = [:]
        for try await (table, column, type) in rows.decode((String, String, Int64).self) {
            guard let kind = PostgresRowColumn(PostgresDataType(UInt32(truncatingIfNeeded: type))) else {
                throw StoreCorruption(table: table, column: column)
            }
            columns[table, default: [:]][column] = kind
        }
        self.columns = columns
    }

    /// Inserts `rows` into `table` in one statement, by column name.
    ///
    /// - Throws: ``StoreCorruption`` naming a column the table does not have, or a value that
    ///   cannot be one of the column's; `PSQLError` when a constraint refuses a row.
    func insert(_ rows: [[String: StoredValue]], into table: String) async throws {
        guard !rows.isEmpty else { return }
        let columns = self.columns[table] ?? [:]
        let names = Set(rows.flatMap(\.keys)).sorted()
        var inputs: [[String: PostgresJSONInput]] = []
        for row in rows {
            var input: [String: PostgresJSONInput] = [:]
            for (name, value) in row {
                // Only names the catalog lists reach the statement.
                guard let column = columns[name], let converted = column.input(value) else {
                    throw StoreCorruption(table: table, column: name)
                }
                input[name] = converted
            }
            inputs.append(input)
        }
        let document = String(decoding: try JSONEncoder().encode(inputs), as: UTF8.self)
        let list = names.map { "\"\($0)\"" }.joined(separator: ", ")
        try await self.connection.query(
            """
            INSERT INTO \(unescaped: table) (\(unescaped: list))
            SELECT \(unescaped: list) FROM jsonb_populate_recordset(NULL::\(unescaped: table), \(document)::jsonb)
            """,
            logger: self.logger
        )
    }
}
