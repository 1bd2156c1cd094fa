import Foundation

/// The JSON form of ``AccountRecords``: `format`, then each set by name, a single set as an
/// object (absent when the account has none), others as arrays; every field present, `null`
/// when unset; instants as Unix milliseconds, bytes as base64. Reading checks every set, field
/// and value against the declarations, so a record arrives whole or not at all.
extension AccountRecords {
    /// The JSON form (keys sorted).
    public func encoded() throws -> [UInt8] {
        var document: [String: JSONValue] = ["format": .integer(Self.format)]
        for set in self.sets {
            let records = self[set].map { record in
                JSONValue.object(record.mapValues(JSONValue.init))
            }
            if set.isSingle {
                if let record = records.first { document[set.name] = record }
            } else {
                document[set.name] = .array(records)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(JSONValue.object(document)))
    }

    /// Reads the JSON form of records for `purpose`.
    ///
    /// - Throws: ``AccountRecordsError`` naming the first set, record or field that is not as
    ///   the format says (a document of another `format` among them).
    public static func decode(_ bytes: [UInt8], for purpose: Purpose) throws(AccountRecordsError) -> AccountRecords {
        guard case .object(let document)? = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)) else {
            throw AccountRecordsError(path: "", problem: "is not a JSON object")
        }
        guard document["format"] == .integer(Self.format) else {
            throw AccountRecordsError(path: "format", problem: "must be \(Self.format) (peer protocol 2)")
        }
        let sets = Self.sets(for: purpose)
        let known = Set(sets.map(\.name) + ["format"])
        if let unknown = document.keys.sorted().first(where: { !known.contains($0) }) {
            throw AccountRecordsError(path: unknown, problem: "is not a set of account records")
        }
        var records = AccountRecords(purpose: purpose)
        for set in sets {
            let items: [JSONValue]
            switch (set.isSingle, document[set.name]) {
            case (_, nil), (_, .null?): items = []
            case (true, .object?): items = [document[set.name]!]
            case (false, .array(let array)?): items = array
            default:
                throw AccountRecordsError(
                    path: set.name,
                    problem: set.isSingle ? "must be an object" : "must be an array"
                )
            }
            records[set] = try items.enumerated().map { (index, item) throws(AccountRecordsError) in
                try Self.record(item, of: set, at: index, for: purpose)
            }
        }
        guard records[.account].count == 1 else {
            throw AccountRecordsError(path: "account", problem: "is required")
        }
        return records
    }

    /// One record of `set`, every field checked against its declaration.
    private static func record(
        _ item: JSONValue,
        of set: AccountRecordSet,
        at index: Int,
        for purpose: Purpose
    ) throws(AccountRecordsError) -> [String: AccountValue] {
        guard case .object(let object) = item else {
            throw AccountRecordsError(path: Self.path(set, index), problem: "must be an object")
        }
        let fields = set.fields(for: purpose)
        if let unknown = object.keys.sorted().first(where: { name in !fields.contains { $0.name == name } }) {
            throw AccountRecordsError(path: Self.path(set, index, unknown), problem: "is not a field of \(set.name)")
        }
        var record: [String: AccountValue] = [:]
        for field in fields {
            let value = AccountValue(object[field.name] ?? .null, kind: field.kind)
            guard let value, value != .null || field.isOptional else {
                throw AccountRecordsError(
                    path: Self.path(set, index, field.name),
                    problem: value == nil ? "must be \(field.kind.described)" : "is required"
                )
            }
            record[field.name] = value
        }
        return record
    }
}

extension AccountField.Kind {
    /// What a value of this kind is, for an error.
    var described: String {
        switch self {
        case .text: "a string"
        case .integer: "an integer"
        case .real: "a number"
        case .flag: "true or false"
        case .instant: "Unix milliseconds"
        case .bytes: "base64"
        }
    }
}

extension AccountValue {
    /// The value of a field of `kind` that `json` holds; `nil` when it holds none of that kind.
    init?(_ json: JSONValue, kind: AccountField.Kind) {
        switch (kind, json) {
        case (_, .null): self = .null
        case (.text, .string(let text)): self = .text(text)
        case (.integer, .integer(let value)), (.instant, .integer(let value)): self = .integer(value)
        case (.real, .integer(let value)): self = .real(Double(value))
        case (.real, .number(let value)): self = .real(value)
        case (.flag, .boolean(let value)): self = .flag(value)
        case (.bytes, .string(let text)):
            guard let data = Data(base64Encoded: text) else { return nil }
            self = .bytes(data)
        default: return nil
        }
    }
}

extension JSONValue {
    /// The JSON of `value`.
    init(_ value: AccountValue) {
        switch value {
        case .null: self = .null
        case .text(let text): self = .string(text)
        case .integer(let integer): self = .integer(integer)
        case .real(let real): self = .number(real)
        case .flag(let flag): self = .boolean(flag)
        case .bytes(let data): self = .string(data.base64EncodedString())
        }
    }
}

/// Any JSON value, integers kept apart from other numbers so 64-bit values stay exact.
enum JSONValue: Hashable, Codable {
    case null
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        // Most values are strings, then integers: tried first, since every miss throws.
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .boolean(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else {
            self = .array(try container.decode([JSONValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .boolean(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
