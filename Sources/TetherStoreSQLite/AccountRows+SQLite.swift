import Foundation
import GRDB
import TetherStore

extension AccountRows.Value {
    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let integer): self = .integer(integer)
        case .double(let real): self = .real(real)
        case .string(let text): self = .text(text)
        case .blob(let data): self = .blob(data)
        }
    }

    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let value): value.databaseValue
        case .real(let value): value.databaseValue
        case .text(let value): value.databaseValue
        case .blob(let value): value.databaseValue
        }
    }
}

extension AccountRows {
    /// Reads every row of `table` whose `column` is `value`, in no particular order.
    static func fetch(
        _ db: Database,
        table: String,
        column: String,
        value: some DatabaseValueConvertible & Sendable
    ) throws -> [[String: Value]] {
        try Row.fetchAll(db, sql: "SELECT * FROM \(table) WHERE \(column) = ?", arguments: [value])
            .map { row in
                var values: [String: Value] = [:]
                for (name, value) in row { values[name] = Value(value) }
                return values
            }
    }
}
