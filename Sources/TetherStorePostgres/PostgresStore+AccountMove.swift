public import Foundation
import Logging
import PostgresNIO
public import TetherCore
import TetherDomain
public import TetherStore

/// ``AccountMoveStore`` on PostgreSQL: the account's domain records (``AccountRecords``), the
/// same as a SQLite region reads and writes, so an account moves between regions on either
/// backend.
extension PostgresStore {
    public func movingAccountRecords(account: AccountID) async throws -> AccountRecords? {
        let logger = self.pool.logger
        // One snapshot for every set.
        return try await self.pool.transaction(.repeatableRead) { connection in
            guard try await Self.accountExists(connection, account: account, lock: false, logger: logger) else {
                return nil
            }
            return try await AccountRecords.read(connection, account: account, for: .move, logger: logger)
        }
    }

    public func importMovedAccount(_ records: AccountRecords, home: RegionID, at date: Date) async throws {
        let logger = self.pool.logger
        guard let account = records.accountID else {
            throw TetherError.invalidField("account", "The records hold no account.")
        }
        do {
            try await self.pool.transaction { connection in
                try await records.write(connection, account: account, home: home, logger: logger)
                try await Self.route(records.credentialHashes, to: home, at: date, connection, logger: logger)
                try await Self.raiseAccountChange(connection, account: account, .accountArrived, logger: logger)
            }
        } catch let error as PSQLError where error.sqlState?.hasPrefix("23") == true {
            // An integrity constraint refused a row: the clash is told in domain words, and
            // PostgreSQL's own message stays out of the answer.
            throw TetherError(
                code: "move_conflict",
                kind: .conflict,
                detail: "The account, or one of its devices' serials, is already held in this region."
            )
        }
    }

    public func removeMovedAccount(_ account: AccountID, to region: RegionID, at date: Date) async throws -> Bool {
        let logger = self.pool.logger
        return try await self.pool.transaction { connection in
            // The account's lock: no session or device of it appears between reading their
            // credentials and deleting them.
            guard try await Self.accountExists(connection, account: account, lock: true, logger: logger) else {
                return false
            }
            let rows = try await connection.query(
                """
                SELECT credential_hash FROM device WHERE account_id = \(account.rawValue)
                UNION ALL SELECT access_token_hash FROM session WHERE account_id = \(account.rawValue)
                UNION ALL SELECT refresh_token_hash FROM session WHERE account_id = \(account.rawValue)
                """,
                logger: logger
            )
            var hashes: [String] = []
            for try await hash in rows.decode(String.self) { hashes.append(hash) }
            try await Self.deleteBackupSnapshots(connection, account: account, logger: logger)
            try await connection.query("DELETE FROM account WHERE id = \(account.rawValue)", logger: logger)
            try await Self.route(hashes, to: region, at: date, connection, logger: logger)
            // The change number stays: should the account come back, its number goes on from
            // here, so a replica never holds an old copy at the version of a new one.
            return true
        }
    }

    public func credentialRoute(tokenHash: String) async throws -> RegionID? {
        let logger = self.pool.logger
        return try await self.pool.read { connection in
            let rows = try await connection.query(
                "SELECT region FROM credential_route WHERE token_hash = \(tokenHash)",
                logger: logger
            )
            var region: RegionID?
            for try await name in rows.decode(String.self) { region = RegionID(rawValue: name) }
            return region
        }
    }

    /// Whether the account exists; with `lock`, its row stays locked (`FOR UPDATE`) until the
    /// transaction ends.
    static func accountExists(
        _ connection: PostgresConnection,
        account: AccountID,
        lock: Bool,
        logger: Logger
    ) async throws -> Bool {
        let rows = try await connection.query(
            "SELECT 1 FROM account WHERE id = \(account.rawValue) \(unescaped: lock ? "FOR UPDATE" : "")",
            logger: logger
        )
        var exists = false
        for try await _ in rows { exists = true }
        return exists
    }

    /// Routes the credentials with digests `hashes` to `region`, replacing any earlier route,
    /// in one statement.
    private static func route(
        _ hashes: [String],
        to region: RegionID,
        at date: Date,
        _ connection: PostgresConnection,
        logger: Logger
    ) async throws {
        var seen = Set<String>()
        let unique = hashes.filter { seen.insert($0).inserted }
        guard !unique.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO credential_route (token_hash, region, created_at)
            SELECT hash, \(region.rawValue), \(date) FROM unnest(\(unique)) AS routed(hash)
            ON CONFLICT (token_hash) DO UPDATE SET region = excluded.region, created_at = excluded.created_at
            """,
            logger: logger
        )
    }
}
