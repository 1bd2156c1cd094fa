import GRDB
import TetherCore
import TetherDomain

/// The account change number (``TetherDomain/AccountChange``): one counter row per account in
/// `account_change`, raised by the write paths themselves, never by triggers.
extension SQLiteStore {
    /// Raises the account's change number by one, inside the caller's transaction, because of
    /// `change`; creates the counter at 1 for an account that has none.
    ///
    /// One statement: the increment is atomic whatever the backend's concurrency (the upsert
    /// locks the counter row until the transaction ends), so concurrent writers to one account
    /// get distinct, strictly increasing numbers in commit order.
    static func raiseAccountChange(_ db: Database, account: AccountID, _ change: AccountChange) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO account_change (account_id, seq) VALUES (?, 1)
                ON CONFLICT (account_id) DO UPDATE SET seq = seq + 1
                """
        )
        try statement.execute(arguments: [account.rawValue])
    }

    /// Raises the change number of the account whose device `device` is when `body` changed
    /// the device's hardware or software version (telemetry reporting new versions).
    static func raisingAccountChange<Result>(
        _ db: Database,
        ifVersionsOf device: DeviceID,
        changeIn body: () throws -> Result
    ) throws -> Result {
        let statement = try db.cachedStatement(
            sql: "SELECT account_id, hardware_version, software_version FROM device WHERE id = ?"
        )
        let before = try Row.fetchOne(statement, arguments: [device.rawValue])
        let result = try body()
        guard let before, let after = try Row.fetchOne(statement, arguments: [device.rawValue]) else { return result }
        let changed = AccountChange.deviceVersionsChanged(
            held: (before["hardware_version"], before["software_version"]),
            reported: (after["hardware_version"], after["software_version"])
        )
        if changed {
            try Self.raiseAccountChange(db, account: AccountID(rawValue: after["account_id"]), .deviceVersions)
        }
        return result
    }
}
