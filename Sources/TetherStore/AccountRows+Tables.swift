/// Which tables an account's rows travel in, and how a row is reshaped on the way: the wire's
/// rules, the same on every backend (a region on SQLite and one on PostgreSQL ship and accept
/// the same rows).
extension AccountRows {
    /// The tables a home region's `settings` replica record is made of, with the column naming
    /// the account. Their rows replicate verbatim (`protocols/sync.md`).
    public static let replicatedSettingsTables: [(table: String, accountColumn: String)] = [
        ("account", "id"),
        ("device", "account_id"),
        ("account_alerting", "account_id"),
        ("alert_scope", "account_id"),
        ("fence", "account_id"),
        ("quiet_window", "account_id"),
        ("setting_clock", "account_id"),
        ("setting_field", "account_id"),
        ("setting_conflict", "account_id"),
    ]

    /// Tables that move with an account besides the replicated ones and its telemetry history:
    /// its sessions (so signed-in clients keep working at the new home), its alert log and the
    /// webhook deliveries still queued for it (the new home delivers them).
    public static let movedOnlyTables: [(table: String, accountColumn: String)] = [
        ("session", "account_id"),
        ("alert", "account_id"),
        ("webhook_delivery", "account_id"),
    ]

    /// Every table keyed by the account that moves with it, in the order they are written (a
    /// row's references come before it).
    public static var movedAccountTables: [(table: String, accountColumn: String)] {
        Self.replicatedSettingsTables + Self.movedOnlyTables
    }

    /// The table of a device's current state, keyed by the region-local device number
    /// (`device_state.number`), which travels without its number.
    public static let deviceStateTable = "device_state"

    /// A moving account's telemetry history: tables keyed by the region-local device number
    /// (`device_state.number`), which travel keyed by device id and are renumbered on arrival.
    public static let movedHistoryTables = ["telemetry_event", "version_change", "connection_period", "daily_usage"]

    /// A `device_state` row as it travels: without this region's device number.
    public static func exportedDeviceState(_ row: [String: Value]) -> [String: Value] {
        var row = row
        row["number"] = nil
        return row
    }

    /// A history row as it travels: keyed by `deviceID` instead of this region's device number,
    /// without its region-local row id.
    public static func exportedHistoryRow(_ row: [String: Value], deviceID: String) -> [String: Value] {
        var row = row
        row["id"] = nil
        row["device"] = nil
        row["device_id"] = .text(deviceID)
        return row
    }

    /// The device id a travelling history row names (``exportedHistoryRow(_:deviceID:)``).
    public static func historyDeviceID(_ row: [String: Value]) -> String? {
        guard case .text(let device)? = row["device_id"] else { return nil }
        return device
    }

    /// A travelling history row keyed by this region's device `number` again.
    public static func importedHistoryRow(_ row: [String: Value], deviceNumber: Int64) -> [String: Value] {
        var row = row
        row["device_id"] = nil
        row["device"] = .integer(deviceNumber)
        return row
    }

    /// A moved row of `table` as the new home writes it: the account's home is `home`, and the
    /// conflict log's entries take this region's numbers.
    public static func importedRow(_ row: [String: Value], table: String, home: String) -> [String: Value] {
        var row = row
        if table == "account" { row["home_region"] = .text(home) }
        if table == "setting_conflict" { row["id"] = nil }
        return row
    }

    /// The moved accounts' ids (the `account` rows').
    public var accountIDs: [String] {
        (self.tables["account"] ?? []).compactMap { row in
            guard case .text(let id)? = row["id"] else { return nil }
            return id
        }
    }

    /// The device credential and session token digests among the rows: those that route to the
    /// account's new home once it moved.
    public var credentialHashes: [String] {
        var hashes: [String] = []
        for row in self.tables["device"] ?? [] {
            if case .text(let hash) = row["credential_hash"] { hashes.append(hash) }
        }
        for row in self.tables["session"] ?? [] {
            for column in ["access_token_hash", "refresh_token_hash"] {
                if case .text(let hash) = row[column] { hashes.append(hash) }
            }
        }
        return hashes
    }
}
