public import Foundation
import Logging
import PostgresNIO
public import TetherCore
import TetherDomain
public import TetherStore

/// ``AccountStore`` on PostgreSQL.
extension PostgresStore {
    public func createAccount(
        _ account: Account,
        passwordHash: String,
        signup: SignupHint,
        session: Session?
    ) async throws {
        try await self.pool.transaction { connection in
            // The unique email decides: the insert itself, not a read before it. A concurrent
            // registration of the email waits for this one and then inserts nothing.
            let inserted = try await connection.execute(
                """
                INSERT INTO account (
                    id, email, password_hash, home_region, signup_latitude, signup_longitude, requested_region,
                    created_at
                ) VALUES (
                    \(account.id.rawValue), \(account.email.value), \(passwordHash), \(account.homeRegion.rawValue),
                    \(signup.location?.latitude), \(signup.location?.longitude), \(signup.requestedRegion?.rawValue),
                    \(account.createdAt)
                )
                ON CONFLICT (email) DO NOTHING
                """,
                logger: connection.logger
            )
            guard inserted > 0 else { throw TetherError.emailTaken }
            try await Self.raiseAccountChange(
                connection,
                account: account.id,
                .accountCreated,
                logger: connection.logger
            )
            if let session {
                try await Self.insertSession(connection, session)
            }
        }
    }

    public func account(id: AccountID) async throws -> Account? {
        try await self.fetchOne(
            "SELECT \(unescaped: PostgresAccountRows.accountColumns) FROM account WHERE id = \(id.rawValue)",
            PostgresAccountRows.account
        )
    }

    public func accountForSignIn(email: EmailAddress) async throws -> (account: Account, passwordHash: String)? {
        try await self.fetchOne(
            "SELECT \(unescaped: PostgresAccountRows.accountColumns), password_hash FROM account WHERE email = \(email.value)"
        ) { row in
            (try PostgresAccountRows.account(row), try row.makeRandomAccess()["password_hash"].decode(String.self))
        }
    }

    public func deleteAccount(id: AccountID) async throws -> Bool {
        try await self.pool.transaction { connection in
            try await Self.deleteBackupSnapshots(connection, account: id, logger: connection.logger)
            guard
                let email = try await connection.first(
                    "DELETE FROM account WHERE id = \(id.rawValue) RETURNING email",
                    { try $0.decode(String.self) }
                )
            else { return false }
            // Foreign keys cascade to sessions, devices (with their credentials and telemetry),
            // pairing codes, alerts, settings and backups; failed sign-ins are keyed by email
            // and the change number by a bare id.
            try await connection.execute("DELETE FROM failed_sign_in WHERE email = \(email)", logger: connection.logger)
            try await connection.execute(
                "DELETE FROM account_change WHERE account_id = \(id.rawValue)",
                logger: connection.logger
            )
            return true
        }
    }

    /// Deletes the account's backup snapshots (and, cascading, their chunk lists), ahead of
    /// deleting the account: the account's delete reaches `backup_snapshot_chunk` by two
    /// cascades (through its snapshots, and through the chunks it references), and PostgreSQL
    /// may check the chunk reference before the snapshot cascade has removed the row.
    static func deleteBackupSnapshots(_ connection: PostgresConnection, account: AccountID, logger: Logger) async throws
    {
        try await connection.query("DELETE FROM backup_snapshot WHERE account_id = \(account.rawValue)", logger: logger)
    }

    public func exportAccount(id: AccountID) async throws -> AccountExportData? {
        // One snapshot for every table, as SQLite's read transaction gives.
        try await self.pool.transaction(.repeatableRead) { connection in
            guard
                let head = try await connection.first(
                    """
                    SELECT \(unescaped: PostgresAccountRows.accountColumns),
                        signup_latitude, signup_longitude, requested_region
                    FROM account WHERE id = \(id.rawValue)
                    """,
                    PostgresAccountRows.accountWithSignup
                )
            else { return nil }
            let account = id.rawValue
            return AccountExportData(
                account: head.account,
                signup: head.signup,
                devices: try await connection.all(
                    """
                    SELECT \(unescaped: PostgresAccountRows.deviceColumns) FROM device WHERE account_id = \(account)
                    ORDER BY paired_at, id
                    """,
                    PostgresAccountRows.device
                ),
                sessions: try await connection.all(
                    """
                    SELECT \(unescaped: PostgresAccountRows.sessionColumns) FROM session WHERE account_id = \(account)
                    ORDER BY created_at, id
                    """,
                    PostgresAccountRows.session
                ),
                pairingRequests: try await connection.all(
                    """
                    SELECT \(unescaped: PostgresAccountRows.pairingColumns) FROM pairing_request
                    WHERE account_id = \(account) ORDER BY created_at, id
                    """,
                    PostgresAccountRows.pairingRequest
                ),
                failedSignIns: try await connection.all(
                    "SELECT at FROM failed_sign_in WHERE email = \(head.account.email.value) ORDER BY at",
                    { try $0.decode(Date.self) }
                )
            )
        }
    }

    public func beginSignInAttempt(
        email: EmailAddress,
        address: String,
        at date: Date,
        after windowStart: Date,
        decide: @escaping @Sendable ([FailedSignIn]) -> SlidingWindowLimit.Decision
    ) async throws -> SlidingWindowLimit.Decision {
        try await self.pool.transaction { connection in
            // The email's lock, then the address's: no other attempt for either reads or
            // records until this one commits, and the fixed order cannot deadlock.
            try await connection.lockForTransaction(["sign-in-email:\(email.value)", "sign-in-address:\(address)"])
            let recent = try await connection.all(
                """
                SELECT email, address, at FROM failed_sign_in
                WHERE (email = \(email.value) OR address = \(address)) AND at > \(windowStart)
                """
            ) { row -> FailedSignIn? in
                let (email, address, at) = try row.decode((String, String, Date).self)
                // Every stored email was an EmailAddress; one that no longer parses is skipped.
                guard let email = try? EmailAddress(email) else { return nil }
                return FailedSignIn(email: email, address: address, at: at)
            }
            let decision = decide(recent.compactMap { $0 })
            if decision == .allowed {
                try await connection.execute(
                    "INSERT INTO failed_sign_in (email, address, at) VALUES (\(email.value), \(address), \(date))",
                    logger: connection.logger
                )
            }
            return decision
        }
    }

    public func clearFailedSignIns(email: EmailAddress, address: String) async throws {
        try await self.write("DELETE FROM failed_sign_in WHERE email = \(email.value) AND address = \(address)")
    }
}
