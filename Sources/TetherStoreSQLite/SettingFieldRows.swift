import GRDB
import TetherCore
import TetherStore

extension SettingFieldRow {
    /// The stored fields of one record.
    static func fields(_ db: Database, account: AccountID, _ id: SettingRecordID) throws -> [String: SettingFieldState]
    {
        try Self.fields(
            Records.filter(
                Column("account_id") == account.rawValue && Column("collection") == id.collection.rawValue
                    && Column("record_id") == id.record
            )
            .fetchAll(db)
            .map(\.row)
        )
    }
}
