public import Foundation
import GRDB
public import TetherCore
public import TetherStore

/// The replicated half of the account directory: records, their change sequence, tombstone
/// purging and per-peer checkpoints.
extension SQLiteStore {
    @discardableResult
    public func applyDirectoryRecords(
        _ records: [DirectoryRecord],
        from origin: RegionID,
        tombstoneCutoff: Date
    ) async throws -> [DirectoryRecord] {
        let cutoff = DirectoryVersion(wallClock: tombstoneCutoff)
        return try await self.dbWriter.write { db in
            try Self.lockDirectory(db)
            var changed: [DirectoryRecord] = []
            for record in records {
                if record.state == .deleted, record.version < cutoff { continue }
                if let current = try Self.directoryRecord(db, emailHash: record.emailHash),
                    !record.supersedes(current)
                {
                    continue
                }
                try Self.writeDirectoryRecord(db, record, origin: origin)
                try db.execute(
                    sql: "DELETE FROM directory_reservation WHERE email_hash = ? AND region = ?",
                    arguments: [record.emailHash, record.region.rawValue]
                )
                changed.append(record)
            }
            return changed
        }
    }

    public func directoryRecords(emailHashes: [String]) async throws -> [DirectoryRecord] {
        try await self.dbWriter.read { db in
            try emailHashes.compactMap { try Self.directoryRecord(db, emailHash: $0) }
        }
    }

    public func directoryRecords(
        prefixes: [String],
        tombstoneCutoff: Date,
        after: String?,
        limit: Int?
    ) async throws -> [DirectoryRecord] {
        let cutoff = DirectoryVersion(wallClock: tombstoneCutoff).rawValue
        return try await self.dbWriter.read { db in
            var records: [DirectoryRecord] = []
            for prefix in Set(prefixes).sorted() {
                let remaining = limit.map { $0 - records.count } ?? Int.max
                guard remaining > 0 else { break }
                // Hashes are lower-case hex, so [prefix, prefix + "g") is exactly the prefix's range.
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT email_hash, region, state, version, signature FROM directory_record
                        WHERE email_hash >= ? AND email_hash < ? AND email_hash > ?
                            AND (state = 'confirmed' OR version >= ?)
                        ORDER BY email_hash LIMIT ?
                        """,
                    arguments: [prefix, prefix + "g", after ?? "", cutoff, min(remaining, Int(Int32.max))]
                )
                while let row = try rows.next() {
                    records.append(try Self.directoryRecord(row))
                }
            }
            return records
        }
    }

    public func directoryRecords(
        changedAfter seq: Int64,
        notFrom peer: RegionID,
        limit: Int
    ) async throws -> [SequencedDirectoryRecord] {
        try await self.dbWriter.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT email_hash, region, state, version, signature, seq FROM directory_record
                    WHERE seq > ? AND origin IS NOT ? ORDER BY seq LIMIT ?
                    """,
                arguments: [seq, peer.rawValue, limit]
            ).map { SequencedDirectoryRecord(record: try Self.directoryRecord($0), seq: $0["seq"]) }
        }
    }

    public func directoryChangeSequence() async throws -> Int64 {
        try await self.dbWriter.read { db in
            try Int64.fetchOne(db, sql: "SELECT value FROM change_counter WHERE name = 'directory'") ?? 0
        }
    }

    @discardableResult
    public func purgeDirectoryTombstones(authoredBefore cutoff: Date) async throws -> Int {
        try await self.dbWriter.write { db in
            try db.execute(
                sql: "DELETE FROM directory_record WHERE state = 'deleted' AND version < ?",
                arguments: [DirectoryVersion(wallClock: cutoff).rawValue]
            )
            let purged = db.changesCount
            // The sequence moves, so a summary cached at the old number is rebuilt.
            if purged > 0 { _ = try Self.nextDirectorySequence(db) }
            return purged
        }
    }

    public func replicationCheckpoint(stream: String, peer: RegionID) async throws -> ReplicationCheckpoint? {
        try await self.dbWriter.read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT pushed_seq, root_hash, completed_at FROM replication_checkpoint
                    WHERE stream = ? AND peer = ?
                    """,
                arguments: [stream, peer.rawValue]
            )
            guard let row else { return nil }
            return ReplicationCheckpoint(
                stream: stream,
                peer: peer,
                pushedSeq: row["pushed_seq"],
                rootHash: row["root_hash"],
                completedAt: row["completed_at"]
            )
        }
    }

    public func saveReplicationCheckpoint(_ checkpoint: ReplicationCheckpoint) async throws {
        try await self.dbWriter.write { db in
            try db.execute(
                sql: """
                    INSERT INTO replication_checkpoint (stream, peer, pushed_seq, root_hash, completed_at)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (stream, peer) DO UPDATE SET pushed_seq = excluded.pushed_seq,
                        root_hash = excluded.root_hash, completed_at = excluded.completed_at
                    """,
                arguments: [
                    checkpoint.stream, checkpoint.peer.rawValue, checkpoint.pushedSeq, checkpoint.rootHash,
                    checkpoint.completedAt,
                ]
            )
        }
    }

    static func directoryRecord(_ db: Database, emailHash: String) throws -> DirectoryRecord? {
        try Row.fetchOne(
            db,
            sql: "SELECT email_hash, region, state, version, signature FROM directory_record WHERE email_hash = ?",
            arguments: [emailHash]
        ).map(self.directoryRecord)
    }

    /// Writes `record` (insert or replace) at the next change sequence number; `origin` is the
    /// peer it came from (`nil`: authored here).
    static func writeDirectoryRecord(_ db: Database, _ record: DirectoryRecord, origin: RegionID?) throws {
        let seq = try Self.nextDirectorySequence(db)
        try db.execute(
            sql: """
                INSERT INTO directory_record (email_hash, region, state, version, seq, origin, signature)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (email_hash) DO UPDATE SET region = excluded.region, state = excluded.state,
                    version = excluded.version, seq = excluded.seq, origin = excluded.origin,
                    signature = excluded.signature
                """,
            arguments: [
                record.emailHash, record.region.rawValue, record.state.rawValue, record.version.rawValue, seq,
                origin?.rawValue, record.signature,
            ]
        )
    }

    /// Takes the directory lock (the change counter's row) for the rest of the transaction:
    /// directory writes that read before they write (a reservation, a version above the highest,
    /// a record superseding the held one) hold it, so concurrent writers take turns.
    static func lockDirectory(_ db: Database) throws {
        try db.execute(sql: "UPDATE change_counter SET value = value WHERE name = 'directory'")
    }

    /// The next number of the directory's change sequence: one atomic increment of its counter
    /// row, which stays locked until the transaction ends (the directory lock), so numbers are
    /// handed out in commit order and never reused.
    static func nextDirectorySequence(_ db: Database) throws -> Int64 {
        let statement = try db.cachedStatement(
            sql: "UPDATE change_counter SET value = value + 1 WHERE name = 'directory' RETURNING value"
        )
        guard let seq = try Int64.fetchOne(statement) else {
            throw StoreCorruption(table: "change_counter", column: "value")
        }
        return seq
    }

    private static func directoryRecord(_ row: Row) throws -> DirectoryRecord {
        guard let region = RegionID(rawValue: row["region"]),
            let state = DirectoryRecord.State(rawValue: row["state"])
        else { throw StoreCorruption(table: "directory_record", column: "region") }
        return DirectoryRecord(
            emailHash: row["email_hash"],
            region: region,
            state: state,
            version: DirectoryVersion(rawValue: row["version"]),
            signature: row["signature"]
        )
    }
}
