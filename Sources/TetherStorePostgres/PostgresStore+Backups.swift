public import Foundation
import Logging
import PostgresNIO
public import TetherCore
public import TetherStore

/// ``BackupStore`` on PostgreSQL.
///
/// The writes that read the chunk index before they write it (recording and moving packs,
/// committing a snapshot, the deletes of prune) hold the account's **backup lock**, a
/// transaction-scoped advisory lock, so two pushes of one account, or a push and a prune, take
/// turns: a snapshot never commits over a chunk a prune is deleting, and a chunk a push was
/// told is held stays until its snapshot references it.
extension PostgresStore {
    public func wrappedDataKey(account: AccountID) async throws -> WrappedDataKey? {
        let logger = self.pool.logger
        return try await self.pool.read { connection in
            try await Self.wrappedKeys(connection, account: account, logger: logger).first
        }
    }

    public func insertWrappedDataKey(_ key: WrappedDataKey) async throws -> WrappedDataKey {
        let logger = self.pool.logger
        return try await self.pool.transaction { connection in
            try await connection.query(
                """
                INSERT INTO backup_key (account_id, kek_id, wrapped, created_at)
                VALUES (\(key.account.rawValue), \(key.kekID), \(key.wrapped), \(key.createdAt))
                ON CONFLICT (account_id) DO NOTHING
                """,
                logger: logger
            )
            // A key a racing insert committed first is seen here: it is the one in force.
            return try await Self.wrappedKeys(connection, account: key.account, logger: logger).first ?? key
        }
    }

    public func wrappedDataKeys() async throws -> [WrappedDataKey] {
        let logger = self.pool.logger
        return try await self.pool.read { connection in
            try await Self.wrappedKeys(connection, account: nil, logger: logger)
        }
    }

    public func replaceWrappedDataKeys(_ keys: [WrappedDataKey]) async throws {
        guard !keys.isEmpty else { return }
        let logger = self.pool.logger
        try await self.pool.transaction { connection in
            _ = try await connection.execute(
                """
                UPDATE backup_key SET kek_id = rewrapped.kek_id, wrapped = rewrapped.wrapped
                FROM unnest(\(keys.map(\.account.rawValue)), \(keys.map(\.kekID)),
                    \(keys.map { ByteBuffer(bytes: $0.wrapped) })) AS rewrapped(account_id, kek_id, wrapped)
                WHERE backup_key.account_id = rewrapped.account_id
                """,
                logger: logger
            )
        }
    }

    public func commitBackupSnapshot(
        _ snapshot: BackupSnapshotRecord,
        manifest: Data,
        chunks: [String]
    ) async throws -> [String] {
        let logger = self.pool.logger
        let account = snapshot.account
        return try await self.pool.transaction { connection in
            // With the lock held no prune deletes a chunk between checking it and referencing it.
            try await Self.lockBackups(connection, account: account, logger: logger)
            var present = Set<String>()
            if !chunks.isEmpty {
                let rows = try await connection.query(
                    "SELECT id FROM backup_chunk WHERE account_id = \(account.rawValue) AND id = ANY(\(chunks))",
                    logger: logger
                )
                for try await id in rows.decode(String.self) { present.insert(id) }
            }
            let missing = chunks.filter { !present.contains($0) }
            guard missing.isEmpty else { return missing }
            try await connection.query(
                """
                INSERT INTO backup_snapshot (id, account_id, created_at, files, bytes, manifest)
                VALUES (\(snapshot.id), \(account.rawValue), \(snapshot.createdAt), \(Int64(snapshot.files)),
                    \(snapshot.bytes), \(manifest))
                """,
                logger: logger
            )
            if !chunks.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO backup_snapshot_chunk (snapshot_id, account_id, chunk_id)
                    SELECT \(snapshot.id), \(account.rawValue), chunk_id FROM unnest(\(chunks)) AS referenced(chunk_id)
                    ON CONFLICT DO NOTHING
                    """,
                    logger: logger
                )
            }
            return []
        }
    }

    public func backupSnapshots(account: AccountID) async throws -> [BackupSnapshotRecord] {
        let logger = self.pool.logger
        return try await self.pool.read { connection in
            let rows = try await connection.query(
                """
                SELECT id, account_id, created_at, files, bytes FROM backup_snapshot
                WHERE account_id = \(account.rawValue) ORDER BY created_at, id
                """,
                logger: logger
            )
            var snapshots: [BackupSnapshotRecord] = []
            for try await row in rows.decode((String, String, Date, Int64, Int64).self) {
                snapshots.append(Self.snapshot(row))
            }
            return snapshots
        }
    }

    public func backupSnapshot(account: AccountID, id: String) async throws -> (BackupSnapshotRecord, Data)? {
        let logger = self.pool.logger
        return try await self.pool.read { connection in
            let rows = try await connection.query(
                """
                SELECT id, account_id, created_at, files, bytes, manifest FROM backup_snapshot
                WHERE account_id = \(account.rawValue) AND id = \(id)
                """,
                logger: logger
            )
            var found: (BackupSnapshotRecord, Data)?
            for try await (id, account, createdAt, files, bytes, manifest) in rows.decode(
                (String, String, Date, Int64, Int64, Data).self
            ) {
                found = (Self.snapshot((id, account, createdAt, files, bytes)), manifest)
            }
            return found
        }
    }

    public func deleteBackupSnapshot(account: AccountID, id: String) async throws -> BackupSnapshotRecord? {
        let logger = self.pool.logger
        return try await self.pool.transaction { connection in
            let rows = try await connection.query(
                """
                DELETE FROM backup_snapshot WHERE account_id = \(account.rawValue) AND id = \(id)
                RETURNING id, account_id, created_at, files, bytes
                """,
                logger: logger
            )
            var deleted: BackupSnapshotRecord?
            for try await row in rows.decode((String, String, Date, Int64, Int64).self) {
                deleted = Self.snapshot(row)
            }
            return deleted
        }
    }

    public func deleteBackups(account: AccountID) async throws {
        let logger = self.pool.logger
        try await self.pool.transaction { connection in
            try await Self.lockBackups(connection, account: account, logger: logger)
            for table in ["backup_snapshot", "backup_chunk", "backup_pack", "backup_key"] {
                try await connection.query(
                    "DELETE FROM \(unescaped: table) WHERE account_id = \(account.rawValue)",
                    logger: logger
                )
            }
        }
    }

    /// Takes the account's backup lock for the rest of the transaction.
    static func lockBackups(_ connection: PostgresConnection, account: AccountID, logger: Logger) async throws {
        try await connection.lockForTransaction(["backup:" + account.rawValue])
    }

    /// The account's wrapped key, or every one in account order (`nil`).
    private static func wrappedKeys(
        _ connection: PostgresConnection,
        account: AccountID?,
        logger: Logger
    ) async throws -> [WrappedDataKey] {
        let rows =
            if let account {
                try await connection.query(
                    "SELECT account_id, kek_id, wrapped, created_at FROM backup_key WHERE account_id = \(account.rawValue)",
                    logger: logger
                )
            } else {
                try await connection.query(
                    "SELECT account_id, kek_id, wrapped, created_at FROM backup_key ORDER BY account_id",
                    logger: logger
                )
            }
        var keys: [WrappedDataKey] = []
        for try await (account, kekID, wrapped, createdAt) in rows.decode((String, String, Data, Date).self) {
            keys.append(
                WrappedDataKey(
                    account: AccountID(rawValue: account),
                    kekID: kekID,
                    wrapped: wrapped,
                    createdAt: createdAt
                )
            )
        }
        return keys
    }

    private static func snapshot(_ row: (String, String, Date, Int64, Int64)) -> BackupSnapshotRecord {
        BackupSnapshotRecord(
            id: row.0,
            account: AccountID(rawValue: row.1),
            createdAt: row.2,
            files: Int(row.3),
            bytes: row.4
        )
    }
}
