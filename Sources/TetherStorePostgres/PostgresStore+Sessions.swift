public import Foundation
import Logging
import PostgresNIO
public import TetherCore
import TetherStore

/// ``SessionStore`` on PostgreSQL.
extension PostgresStore {
    public func createSession(_ session: Session) async throws {
        try await self.pool.transaction { connection in try await Self.insertSession(connection, session) }
    }

    public func session(accessTokenHash hash: String) async throws -> Session? {
        try await self.fetchOne(
            "SELECT \(unescaped: PostgresAccountRows.sessionColumns) FROM session WHERE access_token_hash = \(hash)",
            PostgresAccountRows.session
        )
    }

    public func session(id: SessionID) async throws -> Session? {
        try await self.fetchOne(
            "SELECT \(unescaped: PostgresAccountRows.sessionColumns) FROM session WHERE id = \(id.rawValue)",
            PostgresAccountRows.session
        )
    }

    public func rotateSession(
        refreshTokenHash: String,
        now: Date,
        update: @Sendable (inout Session) throws -> Void
    ) async throws -> Session? {
        guard
            let current = try await self.fetchOne(
                """
                SELECT \(unescaped: PostgresAccountRows.sessionColumns) FROM session
                WHERE refresh_token_hash = \(refreshTokenHash) AND refresh_expires_at > \(now)
                """,
                PostgresAccountRows.session
            )
        else { return nil }
        var session = current
        try update(&session)
        session.id = current.id
        session.account = current.account
        // The update itself decides a race: it replaces the tokens only while the refresh token
        // is still the one read (and unexpired). Of two rotations of one token, the second waits
        // for the first to commit, finds the token gone and changes nothing.
        return try await self.writeReturning(
            """
            UPDATE session SET
                access_token_hash = \(session.accessTokenHash), access_expires_at = \(session.accessExpiresAt),
                refresh_token_hash = \(session.refreshTokenHash), refresh_expires_at = \(session.refreshExpiresAt),
                created_at = \(session.createdAt)
            WHERE id = \(session.id.rawValue) AND refresh_token_hash = \(refreshTokenHash)
                AND refresh_expires_at > \(now)
            RETURNING \(unescaped: PostgresAccountRows.sessionColumns)
            """,
            PostgresAccountRows.session
        )
    }

    public func deleteSession(id: SessionID) async throws {
        try await self.write("DELETE FROM session WHERE id = \(id.rawValue)")
    }

    /// Inserts `session` inside the caller's transaction.
    static func insertSession(_ connection: PostgresConnection, _ session: Session) async throws {
        try await connection.execute(
            """
            INSERT INTO session (
                id, account_id, access_token_hash, access_expires_at, refresh_token_hash, refresh_expires_at,
                created_at
            ) VALUES (
                \(session.id.rawValue), \(session.account.rawValue), \(session.accessTokenHash),
                \(session.accessExpiresAt), \(session.refreshTokenHash), \(session.refreshExpiresAt),
                \(session.createdAt)
            )
            """,
            logger: connection.logger
        )
    }
}
