import GRDB
import TetherStore

extension SQLiteSchema {
    /// The pairing limit counts an account's codes of the last hour: on an index of account and
    /// time, so the count reads the codes in the window, not every code the account ever had
    /// (a fleet account pairs thousands).
    static func registerPairingIndex(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v14: pairing requests by account and time") { db in
            try db.execute(
                sql: """
                    CREATE INDEX pairing_request_account_time ON pairing_request(account_id, created_at);
                    -- Its prefix serves every lookup by account.
                    DROP INDEX pairing_request_on_account_id;
                    """
            )
        }
    }
}
