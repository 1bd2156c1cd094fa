public import Foundation

/// Rows of some tables by column name, values in SQLite's storage classes: the form in which
/// the stores read and write rows generically (`tetherd copy-store`, and the columns of
/// ``AccountRecords``, which convert them to domain fields). Its JSON keeps the classes: each
/// value is `null`, `{"i": integer}`, `{"r": real}`, `{"t": "text"}` or `{"b": "base64"}`.
///
/// ```json
/// {"tables": {"device": [{"id": {"t": "5f94…"}, "name": {"t": "Keys"}, …}], …}}
/// ```
public struct AccountRows: Sendable, Hashable, Codable {
    /// One stored value.
    public enum Value: Sendable, Hashable, Codable {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)
        case blob(Data)

        private enum CodingKeys: String, CodingKey {
            case i, r, t, b
        }

        public init(from decoder: any Decoder) throws {
            if try decoder.singleValueContainer().decodeNil() {
                self = .null
                return
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if let value = try container.decodeIfPresent(Int64.self, forKey: .i) {
                self = .integer(value)
            } else if let value = try container.decodeIfPresent(Double.self, forKey: .r) {
                self = .real(value)
            } else if let value = try container.decodeIfPresent(String.self, forKey: .t) {
                self = .text(value)
            } else if let value = try container.decodeIfPresent(Data.self, forKey: .b) {
                self = .blob(value)
            } else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "no value"))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            switch self {
            case .null:
                var container = encoder.singleValueContainer()
                try container.encodeNil()
            case .integer(let value):
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(value, forKey: .i)
            case .real(let value):
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(value, forKey: .r)
            case .text(let value):
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(value, forKey: .t)
            case .blob(let value):
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(value, forKey: .b)
            }
        }
    }

    /// Rows by table; each row maps column names to values.
    public var tables: [String: [[String: Value]]]

    /// Rows by table.
    public init(tables: [String: [[String: Value]]]) {
        self.tables = tables
    }

    /// The JSON form (keys sorted).
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(self))
    }

    /// Reads the JSON form.
    public static func decode(_ bytes: [UInt8]) throws -> AccountRows {
        try JSONDecoder().decode(AccountRows.self, from: Data(bytes))
    }
}
