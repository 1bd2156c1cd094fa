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
}
