public import Foundation
public import TetherCore
public import TetherStore

/// ``SettingsSyncStore`` on PostgreSQL.
extension PostgresStore {
    public func mergeSettingEdits(
        account: AccountID,
        _ edits: [SettingEdit],
        now: Date,
        caps: AlertSettingsCaps
    ) async throws -> [SettingConflict] {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func settingChanges(account: AccountID, after cursor: Int64, limit: Int) async throws -> [SettingChange] {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func settingConflicts(account: AccountID, limit: Int) async throws -> [LoggedSettingConflict] {
        throw PostgresStoreError.notImplemented(#function)
    }
}
