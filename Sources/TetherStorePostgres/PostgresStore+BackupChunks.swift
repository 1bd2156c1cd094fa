public import Foundation
import Logging
import PostgresNIO
public import TetherCore
public import TetherStore

/// The chunk and pack index of ``BackupStore`` on PostgreSQL. Writes that read before they
/// write hold the account's backup lock (`PostgresStore+Backups.swift`).
extension PostgresStore {
    public func missingBackupChunks(account: AccountID, ids: [String], now: Date) async throws -> [String] {
        guard !ids.isEmpty else { return [] }
        let logger = self.pool.logger
        // One statement: a prune deleting one of these chunks at once either deletes it first
        // (it is missing) or sees it touched (and keeps it).
        let held = try await self.pool.transaction { connection in
            let rows = try await connection.query(
                """
                UPDATE backup_chunk SET touched_at = \(now)
                WHERE account_id = \(account.rawValue) AND id = ANY(\(ids)) RETURNING id
                """,
                logger: logger
            )
            var held = Set<String>()
            for try await id in rows.decode(String.self) { held.insert(id) }
            return held
        }
        return ids.filter { !held.contains($0) }
    }

    public func backupChunk(account: AccountID, id: String) async throws -> BackupChunkRecord? {
        try await self.backupChunks(account: account, ids: [id])[id]
    }

    public func backupChunks(account: AccountID, ids: [String]) async throws -> [String: BackupChunkRecord] {
        guard !ids.isEmpty else { return [:] }
        let logger = self.pool.logger
        let chunks = try await self.pool.read { connection in
            try await Self.chunks(connection, ids: ids, account: account, logger: logger)
        }
        return Dictionary(chunks.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func recordBackupPack(
        _ pack: BackupPackRecord,
        chunks: [BackupChunkRecord],
        account: AccountID
    ) async throws -> Set<String> {
        let logger = self.pool.logger
        return try await self.pool.transaction { connection in
            try await Self.lockBackups(connection, account: account, logger: logger)
            try await Self.insertPack(connection, pack, account: account, logger: logger)
            guard !chunks.isEmpty else { return [] }
            let rows = try await connection.query(
                """
                INSERT INTO backup_chunk (account_id, id, size, stored_size, touched_at, pack_id, pack_offset)
                SELECT \(account.rawValue), id, size, stored_size, \(unescaped: Self.instants), \(pack.id), pack_offset
                FROM unnest(\(chunks.map(\.id)), \(chunks.map { Int64($0.size) }), \(chunks.map { Int64($0.storedSize) }),
                    \(chunks.map { Self.microseconds($0.touchedAt) }), \(chunks.map { Int64($0.offset) }))
                    WITH ORDINALITY AS recorded(id, size, stored_size, micros, pack_offset, position)
                ORDER BY position
                ON CONFLICT (account_id, id) DO NOTHING
                RETURNING id
                """,
                logger: logger
            )
            var recorded = Set<String>()
            for try await id in rows.decode(String.self) { recorded.insert(id) }
            // A chunk held already keeps its place and is only touched (the last time given).
            var first = recorded
            var touched: [String: Date] = [:]
            for chunk in chunks where first.remove(chunk.id) == nil { touched[chunk.id] = chunk.touchedAt }
            if !touched.isEmpty {
                try await connection.query(
                    """
                    UPDATE backup_chunk SET touched_at = \(unescaped: Self.instants)
                    FROM unnest(\(Array(touched.keys)), \(touched.values.map(Self.microseconds))) AS held(id, micros)
                    WHERE backup_chunk.account_id = \(account.rawValue) AND backup_chunk.id = held.id
                    """,
                    logger: logger
                )
            }
            return recorded
        }
    }

    public func backupPacks(account: AccountID) async throws -> [BackupPackRecord] {
        let logger = self.pool.logger
        return try await self.pool.read { connection in
            let rows = try await connection.query(
                """
                SELECT p.id, p.size, p.created_at, count(c.id), coalesce(sum(c.stored_size), 0)::bigint
                FROM backup_pack p
                LEFT JOIN backup_chunk c ON c.account_id = p.account_id AND c.pack_id = p.id
                WHERE p.account_id = \(account.rawValue) GROUP BY p.id, p.size, p.created_at ORDER BY p.id
                """,
                logger: logger
            )
            var packs: [BackupPackRecord] = []
            for try await (id, size, createdAt, liveChunks, liveBytes) in rows.decode(
                (String, Int64, Date, Int64, Int64).self
            ) {
                packs.append(
                    BackupPackRecord(
                        id: id,
                        size: Int(size),
                        createdAt: createdAt,
                        liveChunks: Int(liveChunks),
                        liveBytes: Int(liveBytes)
                    )
                )
            }
            return packs
        }
    }

    public func moveBackupChunks(
        _ chunks: [BackupChunkRecord],
        into pack: BackupPackRecord,
        account: AccountID
    ) async throws {
        let logger = self.pool.logger
        try await self.pool.transaction { connection in
            try await Self.lockBackups(connection, account: account, logger: logger)
            try await Self.insertPack(connection, pack, account: account, logger: logger)
            guard !chunks.isEmpty else { return }
            var offsets: [String: Int64] = [:]
            for chunk in chunks { offsets[chunk.id] = Int64(chunk.offset) }
            try await connection.query(
                """
                UPDATE backup_chunk SET pack_id = \(pack.id), pack_offset = moved.pack_offset
                FROM unnest(\(Array(offsets.keys)), \(Array(offsets.values))) AS moved(id, pack_offset)
                WHERE backup_chunk.account_id = \(account.rawValue) AND backup_chunk.id = moved.id
                """,
                logger: logger
            )
        }
    }

    public func deleteEmptyBackupPacks(_ packs: [String], account: AccountID) async throws -> [String] {
        guard !packs.isEmpty else { return [] }
        let logger = self.pool.logger
        var removed = try await self.pool.transaction { connection in
            try await Self.lockBackups(connection, account: account, logger: logger)
            let rows = try await connection.query(
                """
                DELETE FROM backup_pack p WHERE p.account_id = \(account.rawValue) AND p.id = ANY(\(packs))
                    AND NOT EXISTS (SELECT 1 FROM backup_chunk c WHERE c.account_id = p.account_id AND c.pack_id = p.id)
                RETURNING p.id
                """,
                logger: logger
            )
            var removed = Set<String>()
            for try await id in rows.decode(String.self) { removed.insert(id) }
            return removed
        }
        return packs.filter { removed.remove($0) != nil }
    }

    public func backupChunks(account: AccountID) async throws -> [BackupChunkRecord] {
        let logger = self.pool.logger
        return try await self.pool.read { connection in
            try await Self.chunks(connection, ids: nil, account: account, logger: logger)
        }
    }

    public func deleteUnreferencedBackupChunks(
        account: AccountID,
        touchedBefore: Date
    ) async throws -> [BackupChunkRecord] {
        let logger = self.pool.logger
        return try await self.pool.transaction { connection in
            try await Self.lockBackups(connection, account: account, logger: logger)
            let rows = try await connection.query(
                """
                DELETE FROM backup_chunk c WHERE c.account_id = \(account.rawValue) AND c.touched_at < \(touchedBefore)
                    AND NOT EXISTS (
                        SELECT 1 FROM backup_snapshot_chunk r WHERE r.account_id = c.account_id AND r.chunk_id = c.id)
                RETURNING \(unescaped: Self.chunkColumns)
                """,
                logger: logger
            )
            return try await Self.chunks(rows).sorted { $0.id < $1.id }
        }
    }

    private static func insertPack(
        _ connection: PostgresConnection,
        _ pack: BackupPackRecord,
        account: AccountID,
        logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO backup_pack (account_id, id, size, created_at)
            VALUES (\(account.rawValue), \(pack.id), \(Int64(pack.size)), \(pack.createdAt))
            """,
            logger: logger
        )
    }

    /// The SQL that turns a column `micros` of microseconds after PostgreSQL's epoch
    /// (``microseconds(_:)``) into the instant, exactly as binding the `Date` would.
    private static let instants = "timestamptz '2000-01-01 00:00:00+00' + micros * interval '1 microsecond'"

    /// `date` as postgres-nio binds it: whole microseconds after 2000-01-01 00:00:00 UTC (for
    /// arrays of instants, which it does not bind).
    private static func microseconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince(Date(timeIntervalSince1970: 946_684_800)) * 1_000_000)
    }

    private static let chunkColumns = "id, size, stored_size, touched_at, pack_id, pack_offset"

    /// The account's chunks among `ids`, or all of them in id order (`nil`).
    private static func chunks(
        _ connection: PostgresConnection,
        ids: [String]?,
        account: AccountID,
        logger: Logger
    ) async throws -> [BackupChunkRecord] {
        let rows =
            if let ids {
                try await connection.query(
                    """
                    SELECT \(unescaped: Self.chunkColumns) FROM backup_chunk
                    WHERE account_id = \(account.rawValue) AND id = ANY(\(ids))
                    """,
                    logger: logger
                )
            } else {
                try await connection.query(
                    """
                    SELECT \(unescaped: Self.chunkColumns) FROM backup_chunk
                    WHERE account_id = \(account.rawValue) ORDER BY id
                    """,
                    logger: logger
                )
            }
        return try await Self.chunks(rows)
    }

    private static func chunks(_ rows: PostgresRowSequence) async throws -> [BackupChunkRecord] {
        var chunks: [BackupChunkRecord] = []
        for try await (id, size, storedSize, touchedAt, pack, offset) in rows.decode(
            (String, Int64, Int64, Date, String, Int64).self
        ) {
            chunks.append(
                BackupChunkRecord(
                    id: id,
                    size: Int(size),
                    storedSize: Int(storedSize),
                    touchedAt: touchedAt,
                    pack: pack,
                    offset: Int(offset)
                )
            )
        }
        return chunks
    }
}
