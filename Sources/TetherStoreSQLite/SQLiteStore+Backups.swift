public import Foundation
import GRDB
public import TetherCore
public import TetherStore

extension SQLiteStore {
    public func wrappedDataKey(account: AccountID) async throws -> WrappedDataKey? {
        try await self.dbWriter.read { db in try Self.wrappedKey(db, account: account) }
    }

    public func insertWrappedDataKey(_ key: WrappedDataKey) async throws -> WrappedDataKey {
        try await self.dbWriter.write { db in
            try db.execute(
                sql: """
                    INSERT INTO backup_key (account_id, kek_id, wrapped, created_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (account_id) DO NOTHING
                    """,
                arguments: [key.account.rawValue, key.kekID, key.wrapped, key.createdAt]
            )
            return try Self.wrappedKey(db, account: key.account) ?? key
        }
    }

    public func wrappedDataKeys() async throws -> [WrappedDataKey] {
        try await self.dbWriter.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM backup_key ORDER BY account_id").map(Self.wrappedKey)
        }
    }

    public func replaceWrappedDataKeys(_ keys: [WrappedDataKey]) async throws {
        try await self.dbWriter.write { db in
            for key in keys {
                try db.execute(
                    sql: "UPDATE backup_key SET kek_id = ?, wrapped = ? WHERE account_id = ?",
                    arguments: [key.kekID, key.wrapped, key.account.rawValue]
                )
            }
        }
    }

    public func missingBackupChunks(account: AccountID, ids: [String], now: Date) async throws -> [String] {
        try await self.dbWriter.write { db in
            var missing: [String] = []
            let touch = try db.makeStatement(
                sql: "UPDATE backup_chunk SET touched_at = ? WHERE account_id = ? AND id = ?"
            )
            for id in ids {
                try touch.execute(arguments: [now, account.rawValue, id])
                if db.changesCount == 0 { missing.append(id) }
            }
            return missing
        }
    }

    public func backupChunk(account: AccountID, id: String) async throws -> BackupChunkRecord? {
        try await self.dbWriter.read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT * FROM backup_chunk WHERE account_id = ? AND id = ?",
                arguments: [account.rawValue, id]
            ).map(Self.chunk)
        }
    }

    public func backupChunks(account: AccountID, ids: [String]) async throws -> [String: BackupChunkRecord] {
        try await self.dbWriter.read { db in
            let select = try db.makeStatement(sql: "SELECT * FROM backup_chunk WHERE account_id = ? AND id = ?")
            var chunks: [String: BackupChunkRecord] = [:]
            for id in ids where chunks[id] == nil {
                if let row = try Row.fetchOne(select, arguments: [account.rawValue, id]) {
                    chunks[id] = Self.chunk(row)
                }
            }
            return chunks
        }
    }

    public func recordBackupPack(
        _ pack: BackupPackRecord,
        chunks: [BackupChunkRecord],
        account: AccountID
    ) async throws -> Set<String> {
        try await self.dbWriter.write { db in
            try db.execute(
                sql: "INSERT INTO backup_pack (account_id, id, size, created_at) VALUES (?, ?, ?, ?)",
                arguments: [account.rawValue, pack.id, pack.size, pack.createdAt]
            )
            let insert = try db.makeStatement(
                sql: """
                    INSERT INTO backup_chunk (account_id, id, size, stored_size, touched_at, pack_id, pack_offset)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (account_id, id) DO NOTHING
                    """
            )
            let touch = try db.makeStatement(
                sql: "UPDATE backup_chunk SET touched_at = ? WHERE account_id = ? AND id = ?"
            )
            var recorded = Set<String>()
            for chunk in chunks {
                try insert.execute(arguments: [
                    account.rawValue, chunk.id, chunk.size, chunk.storedSize, chunk.touchedAt, pack.id, chunk.offset,
                ])
                if db.changesCount > 0 {
                    recorded.insert(chunk.id)
                } else {
                    try touch.execute(arguments: [chunk.touchedAt, account.rawValue, chunk.id])
                }
            }
            return recorded
        }
    }

    public func backupPacks(account: AccountID) async throws -> [BackupPackRecord] {
        try await self.dbWriter.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT p.id, p.size, p.created_at, COUNT(c.id) AS live_chunks,
                        COALESCE(SUM(c.stored_size), 0) AS live_bytes
                    FROM backup_pack p
                    LEFT JOIN backup_chunk c ON c.account_id = p.account_id AND c.pack_id = p.id
                    WHERE p.account_id = ? GROUP BY p.id ORDER BY p.id
                    """,
                arguments: [account.rawValue]
            ).map { row in
                BackupPackRecord(
                    id: row["id"],
                    size: row["size"],
                    createdAt: row["created_at"],
                    liveChunks: row["live_chunks"],
                    liveBytes: row["live_bytes"]
                )
            }
        }
    }

    public func moveBackupChunks(
        _ chunks: [BackupChunkRecord],
        into pack: BackupPackRecord,
        account: AccountID
    ) async throws {
        try await self.dbWriter.write { db in
            try db.execute(
                sql: "INSERT INTO backup_pack (account_id, id, size, created_at) VALUES (?, ?, ?, ?)",
                arguments: [account.rawValue, pack.id, pack.size, pack.createdAt]
            )
            let move = try db.makeStatement(
                sql: "UPDATE backup_chunk SET pack_id = ?, pack_offset = ? WHERE account_id = ? AND id = ?"
            )
            for chunk in chunks {
                try move.execute(arguments: [pack.id, chunk.offset, account.rawValue, chunk.id])
            }
        }
    }

    public func deleteEmptyBackupPacks(_ packs: [String], account: AccountID) async throws -> [String] {
        try await self.dbWriter.write { db in
            let remove = try db.makeStatement(
                sql: """
                    DELETE FROM backup_pack WHERE account_id = ? AND id = ? AND NOT EXISTS (
                        SELECT 1 FROM backup_chunk c WHERE c.account_id = backup_pack.account_id AND c.pack_id = backup_pack.id)
                    """
            )
            return try packs.filter { id in
                try remove.execute(arguments: [account.rawValue, id])
                return db.changesCount > 0
            }
        }
    }

    public func backupChunks(account: AccountID) async throws -> [BackupChunkRecord] {
        try await self.dbWriter.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM backup_chunk WHERE account_id = ? ORDER BY id",
                arguments: [account.rawValue]
            ).map(Self.chunk)
        }
    }

    public func commitBackupSnapshot(
        _ snapshot: BackupSnapshotRecord,
        manifest: Data,
        chunks: [String]
    ) async throws -> [String] {
        try await self.dbWriter.write { db in
            let present = try db.makeStatement(sql: "SELECT 1 FROM backup_chunk WHERE account_id = ? AND id = ?")
            let missing = try chunks.filter { id in
                try Int.fetchOne(present, arguments: [snapshot.account.rawValue, id]) == nil
            }
            guard missing.isEmpty else { return missing }
            try db.execute(
                sql: """
                    INSERT INTO backup_snapshot (id, account_id, created_at, files, bytes, manifest)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    snapshot.id, snapshot.account.rawValue, snapshot.createdAt, snapshot.files, snapshot.bytes,
                    manifest,
                ]
            )
            let reference = try db.makeStatement(
                sql: "INSERT OR IGNORE INTO backup_snapshot_chunk (snapshot_id, account_id, chunk_id) VALUES (?, ?, ?)"
            )
            for id in chunks {
                try reference.execute(arguments: [snapshot.id, snapshot.account.rawValue, id])
            }
            return []
        }
    }

    public func backupSnapshots(account: AccountID) async throws -> [BackupSnapshotRecord] {
        try await self.dbWriter.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, account_id, created_at, files, bytes FROM backup_snapshot
                    WHERE account_id = ? ORDER BY created_at, id
                    """,
                arguments: [account.rawValue]
            ).map(Self.snapshot)
        }
    }

    public func backupSnapshot(account: AccountID, id: String) async throws -> (BackupSnapshotRecord, Data)? {
        try await self.dbWriter.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT * FROM backup_snapshot WHERE account_id = ? AND id = ?",
                    arguments: [account.rawValue, id]
                )
            else { return nil }
            return (Self.snapshot(row), row["manifest"])
        }
    }

    public func deleteBackupSnapshot(account: AccountID, id: String) async throws -> BackupSnapshotRecord? {
        try await self.dbWriter.write { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql:
                        "SELECT id, account_id, created_at, files, bytes FROM backup_snapshot WHERE account_id = ? AND id = ?",
                    arguments: [account.rawValue, id]
                )
            else { return nil }
            try db.execute(sql: "DELETE FROM backup_snapshot WHERE id = ?", arguments: [id])
            return Self.snapshot(row)
        }
    }

    public func deleteUnreferencedBackupChunks(
        account: AccountID,
        touchedBefore: Date
    ) async throws -> [BackupChunkRecord] {
        try await self.dbWriter.write { db in
            let condition = """
                account_id = ? AND touched_at < ? AND NOT EXISTS (
                    SELECT 1 FROM backup_snapshot_chunk r
                    WHERE r.account_id = backup_chunk.account_id AND r.chunk_id = backup_chunk.id)
                """
            let arguments: StatementArguments = [account.rawValue, touchedBefore]
            let chunks = try Row.fetchAll(
                db,
                sql: "SELECT * FROM backup_chunk WHERE \(condition)",
                arguments: arguments
            )
            .map(Self.chunk)
            try db.execute(sql: "DELETE FROM backup_chunk WHERE \(condition)", arguments: arguments)
            return chunks
        }
    }

    public func deleteBackups(account: AccountID) async throws {
        try await self.dbWriter.write { db in
            try db.execute(sql: "DELETE FROM backup_snapshot WHERE account_id = ?", arguments: [account.rawValue])
            try db.execute(sql: "DELETE FROM backup_chunk WHERE account_id = ?", arguments: [account.rawValue])
            try db.execute(sql: "DELETE FROM backup_pack WHERE account_id = ?", arguments: [account.rawValue])
            try db.execute(sql: "DELETE FROM backup_key WHERE account_id = ?", arguments: [account.rawValue])
        }
    }

    private static func wrappedKey(_ db: Database, account: AccountID) throws -> WrappedDataKey? {
        try Row.fetchOne(db, sql: "SELECT * FROM backup_key WHERE account_id = ?", arguments: [account.rawValue])
            .map(Self.wrappedKey)
    }

    private static func wrappedKey(_ row: Row) -> WrappedDataKey {
        WrappedDataKey(
            account: AccountID(rawValue: row["account_id"]),
            kekID: row["kek_id"],
            wrapped: row["wrapped"],
            createdAt: row["created_at"]
        )
    }

    private static func chunk(_ row: Row) -> BackupChunkRecord {
        BackupChunkRecord(
            id: row["id"],
            size: row["size"],
            storedSize: row["stored_size"],
            touchedAt: row["touched_at"],
            pack: row["pack_id"],
            offset: row["pack_offset"]
        )
    }

    private static func snapshot(_ row: Row) -> BackupSnapshotRecord {
        BackupSnapshotRecord(
            id: row["id"],
            account: AccountID(rawValue: row["account_id"]),
            createdAt: row["created_at"],
            files: row["files"],
            bytes: row["bytes"]
        )
    }
}
