public import TetherCore

/// How a set's records are kept: the statement that reads an account's rows, and the
/// conversion between a record and a stored row (``StoredValue``s by column, as the backends read
/// and write them: instants as GRDB's date text, flags as 0 or 1).
extension AccountRecordSet {
    /// The statement that reads the account's rows of this set for `purpose`, each column under
    /// its own name; `parameter` is the backend's placeholder for the account id (`?`, `$1`).
    /// Names come from the declarations only.
    public func selectStatement(for purpose: AccountRecords.Purpose, parameter: String) -> String {
        let columns = self.fields(for: purpose).map { field in
            if case .deviceNumber = self.owner, field.column == "device_id" {
                return "s.device_id AS device_id"
            }
            return "t.\"\(field.column)\" AS \"\(field.column)\""
        }.joined(separator: ", ")
        switch self.owner {
        case .account(let column):
            return "SELECT \(columns) FROM \(self.table) t WHERE t.\(column) = \(parameter)"
        case .device:
            return
                "SELECT \(columns) FROM \(self.table) t JOIN device d ON d.id = t.device_id WHERE d.account_id = \(parameter)"
        case .deviceNumber(let column):
            return """
                SELECT \(columns) FROM \(self.table) t JOIN device_state s ON s.number = t.\(column)
                JOIN device d ON d.id = s.device_id WHERE d.account_id = \(parameter)
                """
        }
    }

    /// The record a row read by ``selectStatement(for:parameter:)`` holds.
    ///
    /// - Throws: ``StoreCorruption`` naming a column whose value is not of its field's kind.
    public func record(
        stored row: [String: StoredValue],
        for purpose: AccountRecords.Purpose
    ) throws(StoreCorruption) -> [String: AccountValue] {
        var record: [String: AccountValue] = [:]
        for field in self.fields(for: purpose) {
            guard let value = AccountValue(stored: row[field.column] ?? .null, kind: field.kind) else {
                throw StoreCorruption(table: self.table, column: field.column)
            }
            record[field.name] = value
        }
        return record
    }

    /// The row that keeps `record` of `account`, held at `home`, by column. A device-history
    /// row keeps `device_id`, which the backend replaces by its own device number
    /// (``numbered(_:devices:)``).
    public func storedRow(
        _ record: [String: AccountValue],
        account: AccountID,
        home: RegionID
    ) -> [String: StoredValue] {
        var row: [String: StoredValue] = [:]
        for field in self.fields where record[field.name] != nil {
            row[field.column] = record[field.name].map { $0.stored(kind: field.kind) }
        }
        if case .account(let column) = self.owner, row[column] == nil { row[column] = .text(account.rawValue) }
        if let homeColumn = self.homeColumn { row[homeColumn] = .text(home.rawValue) }
        return row
    }

    /// A device-history row keyed by this region's number for its device (`devices`, by device
    /// id) instead of `device_id`; `nil` when the device has no number here.
    public func numbered(_ row: [String: StoredValue], devices: [String: Int64]) -> [String: StoredValue]? {
        guard case .deviceNumber(let column) = self.owner, case .text(let device)? = row["device_id"],
            let number = devices[device]
        else { return nil }
        var row = row
        row["device_id"] = nil
        row[column] = .integer(number)
        return row
    }
}

extension AccountValue {
    /// The value of a field of `kind` a store holds as `stored`; `nil` when it is not one.
    init?(stored: StoredValue, kind: AccountField.Kind) {
        switch (kind, stored) {
        case (_, .null): self = .null
        case (.text, .text(let text)): self = .text(text)
        case (.text, .integer(let integer)): self = .text(String(integer))
        case (.integer, .integer(let integer)): self = .integer(integer)
        case (.integer, .real(let real)):
            guard let integer = Int64(exactly: real) else { return nil }
            self = .integer(integer)
        case (.real, .real(let real)): self = .real(real)
        case (.real, .integer(let integer)): self = .real(Double(integer))
        case (.flag, .integer(let integer)): self = .flag(integer != 0)
        case (.instant, .text(let text)):
            guard let milliseconds = StoredValue.dateMilliseconds(text) else { return nil }
            self = .integer(milliseconds)
        case (.bytes, .blob(let data)): self = .bytes(data)
        default: return nil
        }
    }

    /// The value as a store keeps a field of `kind`.
    func stored(kind: AccountField.Kind) -> StoredValue {
        switch (kind, self) {
        case (_, .null): .null
        case (_, .text(let text)): .text(text)
        case (.instant, .integer(let milliseconds)): .text(StoredValue.dateText(milliseconds: milliseconds))
        case (_, .integer(let integer)): .integer(integer)
        case (_, .real(let real)): .real(real)
        case (_, .flag(let flag)): .integer(flag ? 1 : 0)
        case (_, .bytes(let data)): .blob(data)
        }
    }
}
