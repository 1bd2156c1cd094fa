import Logging
import PostgresNIO
import TetherCore
import TetherDomain

/// The account change number (``TetherDomain/AccountChange``): one counter row per account in
/// `account_change`, raised by the write paths themselves.
extension PostgresStore {
    /// Raises the account's change number by one inside the caller's transaction, because of
    /// `change`; creates the counter at 1 for an account that has none.
    ///
    /// One upsert: it locks the counter row until the transaction ends, so concurrent writers
    /// to one account get distinct numbers, increasing in commit order.
    static func raiseAccountChange(
        _ connection: PostgresConnection,
        account: AccountID,
        _ change: AccountChange,
        logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO account_change (account_id, seq) VALUES (\(account.rawValue), 1)
            ON CONFLICT (account_id) DO UPDATE SET seq = account_change.seq + 1
            """,
            logger: logger
        )
    }
}
