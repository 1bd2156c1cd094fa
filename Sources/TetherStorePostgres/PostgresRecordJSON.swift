import Foundation

/// Rows as JSON, for the rows whose columns may be NULL (postgres-nio's arrays cannot carry a
/// NULL): written as one array that `jsonb_populate_recordset(NULL::table, …)` reads, read as
/// `to_jsonb(row)::text`. Keys are the columns' names; the coded types name them in camel case.
enum PostgresRecordJSON {
    /// `rows` as a JSON array of objects (a `nil` property is left out and reads as NULL).
    static func array(_ rows: [some Encodable]) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(rows), as: UTF8.self)
    }

    /// The row a `to_jsonb(row)::text` column holds.
    static func row<Row: Decodable>(_ json: String, as _: Row.Type = Row.self) throws -> Row {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Row.self, from: Data(json.utf8))
    }
}
