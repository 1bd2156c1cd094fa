import PostgresNIO
import TetherCore
import TetherDomain

// PLACEHOLDER until the settings part of issue 19 lands (its helper ports SettingsSyncStore and
// the server-edit versioning): the device write paths call these two the way SQLite's call
// `versionServerEdits(_:account:records:)` and `SettingsProjection.recordsTouched(_:byRemoving:account:)`.
// The merge replaces this file with the settings part's real versioning.
extension PostgresStore {
    /// Versions what a device write just changed in the account's settings tables as edits of
    /// the server replica, inside the caller's transaction, and raises the account's change
    /// number once.
    ///
    /// Placeholder: raises the change number only; the settings part versions the fields.
    func versionServerEdits(
        _ connection: PostgresConnection,
        account: AccountID,
        records: [SettingRecordID]
    )
        async throws
    {
        try await Self.raiseAccountChange(connection, account: account, .settingFields, logger: connection.logger)
    }

    /// The synced records that removing `device` changes, read before the removal: the device,
    /// its rules and do-not-disturb values, its fences and windows, and the rules naming it as
    /// the phone.
    static func settingRecordsTouched(
        _ connection: PostgresConnection,
        byRemoving device: DeviceID,
        account: AccountID
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
