import GRDB
import TetherStore

extension SQLiteSchema {
    /// Failed sign-ins keep the client address they came from, so they can be counted per email
    /// and address, per address and per email (``TetherCore/SignInBudget``).
    static func registerSignInAddresses(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v12: failed sign-ins by client address") { db in
            try db.execute(
                sql: """
                    -- Failures recorded before addresses were kept count for the email only.
                    ALTER TABLE failed_sign_in ADD COLUMN address TEXT NOT NULL DEFAULT '';
                    CREATE INDEX failed_sign_in_address ON failed_sign_in(address, at);
                    """
            )
        }
    }
}
