import Logging
import PostgresNIO
import TetherCore
import TetherDomain

// PLACEHOLDER until the settings part of issue 19 lands. Its helper ports SettingsSyncStore and
// the server-edit versioning with these same names and signatures (`SettingsLock`,
// `PostgresStore.lockSettings(_:account:logger:)`, `versionServerEdits(_:_:records:logger:)` and
// `PostgresSettingsProjection.recordsTouched(_:byRemoving:account:logger:)`); the merge deletes
// this file and the device write paths use the real ones unchanged.

/// The account's settings lock, held until the transaction ends (placeholder: the account only).
struct SettingsLock: Sendable {
    let account: AccountID
}

extension PostgresStore {
    /// Takes the account's settings lock (a transaction-scoped advisory lock on
    /// `settings:<account id>`) before anything a settings write depends on is read.
    static func lockSettings(
        _ connection: PostgresConnection,
        account: AccountID,
        logger: Logger
    ) async throws
        -> SettingsLock
    {
        try await connection.lockForTransaction(["settings:" + account.rawValue])
        return SettingsLock(account: account)
    }

    /// Versions what a write just changed in the account's settings tables as edits of the
    /// server replica, inside the caller's transaction, and raises the account's change number.
    ///
    /// Placeholder: raises the change number only; the settings part versions the fields.
    func versionServerEdits(
        _ connection: PostgresConnection,
        _ lock: SettingsLock,
        records: [SettingRecordID],
        logger: Logger
    ) async throws {
        try await Self.raiseAccountChange(connection, account: lock.account, .settingFields, logger: logger)
    }
}

/// The settings tables read as synced records (placeholder: what removing a device touches).
enum PostgresSettingsProjection {
    /// The records removing `device` changes: the device, its rules and do-not-disturb values,
    /// the fences and windows that are its own, and the rules that name it as their phone.
    static func recordsTouched(
        _ connection: PostgresConnection,
        byRemoving device: DeviceID,
        account: AccountID,
        logger: Logger
    ) async throws -> [SettingRecordID] {
        let owned = [
            SettingRecordID(.device, device.rawValue), SettingRecordID(.rules, device.rawValue),
            SettingRecordID(.dnd, device.rawValue),
        ]
        let others = try await connection.all(
            """
            SELECT 'fence', id FROM fence WHERE account_id = \(account.rawValue) AND device_id = \(device.rawValue)
            UNION ALL
            SELECT 'quiet_window', id FROM quiet_window
            WHERE account_id = \(account.rawValue) AND device_id = \(device.rawValue)
            UNION ALL
            SELECT 'rules', coalesce(device_id, \(SettingKey.accountRecord)) FROM alert_scope
            WHERE account_id = \(account.rawValue) AND phone_id = \(device.rawValue)
            """
        ) { row -> SettingRecordID? in
            let (collection, record) = try row.decode((String, String).self)
            return SettingCollection(rawValue: collection).map { SettingRecordID($0, record) }
        }
        return owned + others.compactMap { $0 }
    }
}
