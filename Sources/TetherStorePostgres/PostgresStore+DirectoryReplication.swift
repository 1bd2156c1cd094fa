public import Foundation
import Logging
import PostgresNIO
public import TetherCore
public import TetherStore

/// The replicated half of the account directory on PostgreSQL: records, their change
/// sequence, tombstone purging and per-peer checkpoints.
extension PostgresStore {
    public func applyDirectoryRecords(
        _ records: [DirectoryRecord],
        from origin: RegionID,
        tombstoneCutoff: Date
    ) async throws
        -> [DirectoryRecord]
    {
        let cutoff = DirectoryVersion(wallClock: tombstoneCutoff)
        let logger = self.pool.logger
        return try await self.pool.transaction { connection in
            try await Self.lockDirectory(connection, logger: logger)
            var current: [String: DirectoryRecord] = [:]
            let hashes = Array(Set(records.map(\.emailHash)))
            for record in try await Self.directoryRecords(connection, emailHashes: hashes, logger: logger) {
                current[record.emailHash] = record
            }
            var changed: [DirectoryRecord] = []
            for record in records {
                if record.state == .deleted, record.version < cutoff { continue }
                if let held = current[record.emailHash], !record.supersedes(held) { continue }
                current[record.emailHash] = record
                changed.append(record)
            }
            try await Self.writeDirectoryRecords(connection, changed, origin: origin, logger: logger)
            try await connection.query(
                """
                DELETE FROM directory_reservation r
                USING unnest(\(changed.map(\.emailHash)), \(changed.map(\.region.rawValue))) AS c(hash, region)
                WHERE r.email_hash = c.hash AND r.region = c.region
                """,
                logger: logger
            )
            return changed
        }
    }

    public func directoryRecords(emailHashes: [String]) async throws -> [DirectoryRecord] {
        let logger = self.pool.logger
        let held = try await self.pool.read { connection in
            try await Self.directoryRecords(connection, emailHashes: emailHashes, logger: logger)
        }
        let byHash = Dictionary(held.map { ($0.emailHash, $0) }, uniquingKeysWith: { first, _ in first })
        return emailHashes.compactMap { byHash[$0] }
    }

    public func directoryRecords(
        prefixes: [String],
        tombstoneCutoff: Date,
        after: String?,
        limit: Int?
    ) async throws -> [DirectoryRecord] {
        let cutoff = DirectoryVersion(wallClock: tombstoneCutoff).rawValue
        let logger = self.pool.logger
        return try await self.pool.transaction(.repeatableRead) { connection in
            var records: [DirectoryRecord] = []
            for prefix in Set(prefixes).sorted() {
                let remaining = limit.map { $0 - records.count } ?? Int.max
                guard remaining > 0 else { break }
                // Hashes are lower-case hex compared bytewise, so [prefix, prefix + "g") is
                // exactly the prefix's range.
                let rows = try await connection.query(
                    """
                    SELECT email_hash, region, state, version, signature FROM directory_record
                    WHERE email_hash >= \(prefix) AND email_hash < \(prefix + "g") AND email_hash > \(after ?? "")
                        AND (state = 'confirmed' OR version >= \(cutoff))
                    ORDER BY email_hash LIMIT \(Int64(min(remaining, Int(Int64.max))))
                    """,
                    logger: logger
                )
                for try await row in rows.decode(DirectoryRecordRow.self) {
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
    ) async throws
        -> [SequencedDirectoryRecord]
    {
        let logger = self.pool.logger
        return try await self.pool.read { connection in
            let rows = try await connection.query(
                """
                SELECT email_hash, region, state, version, signature, seq FROM directory_record
                WHERE seq > \(seq) AND origin IS DISTINCT FROM \(peer.rawValue) ORDER BY seq LIMIT \(limit)
                """,
                logger: logger
            )
            var records: [SequencedDirectoryRecord] = []
            for try await (hash, region, state, version, signature, seq) in rows.decode(
                (String, String, String, Int64, ByteBuffer?, Int64).self
            ) {
                records.append(
                    SequencedDirectoryRecord(
                        record: try Self.directoryRecord((hash, region, state, version, signature)),
                        seq: seq
                    )
                )
            }
            return records
        }
    }

    public func directoryChangeSequence() async throws -> Int64 {
        let logger = self.pool.logger
        return try await self.pool.read { connection in
            let rows = try await connection.query(
                "SELECT value FROM change_counter WHERE name = 'directory'",
                logger: logger
            )
            var sequence: Int64 = 0
            for try await value in rows.decode(Int64.self) { sequence = value }
            return sequence
        }
    }

    public func purgeDirectoryTombstones(authoredBefore cutoff: Date) async throws -> Int {
        let version = DirectoryVersion(wallClock: cutoff).rawValue
        let logger = self.pool.logger
        return try await self.pool.transaction { connection in
            try await Self.lockDirectory(connection, logger: logger)
            let purged = try await connection.execute(
                "DELETE FROM directory_record WHERE state = 'deleted' AND version < \(version)",
                logger: logger
            )
            // The sequence moves, so a summary cached at the old number is rebuilt.
            if purged > 0 { _ = try await Self.nextDirectorySequences(connection, count: 1, logger: logger) }
            return purged
        }
    }

    public func replicationCheckpoint(stream: String, peer: RegionID) async throws -> ReplicationCheckpoint? {
        let logger = self.pool.logger
        return try await self.pool.read { connection in
            let rows = try await connection.query(
                """
                SELECT pushed_seq, root_hash, completed_at FROM replication_checkpoint
                WHERE stream = \(stream) AND peer = \(peer.rawValue)
                """,
                logger: logger
            )
            var checkpoint: ReplicationCheckpoint?
            for try await (pushedSeq, rootHash, completedAt) in rows.decode((Int64, String, Date).self) {
                checkpoint = ReplicationCheckpoint(
                    stream: stream,
                    peer: peer,
                    pushedSeq: pushedSeq,
                    rootHash: rootHash,
                    completedAt: completedAt
                )
            }
            return checkpoint
        }
    }

    public func saveReplicationCheckpoint(_ checkpoint: ReplicationCheckpoint) async throws {
        let logger = self.pool.logger
        try await self.pool.transaction { connection in
            _ = try await connection.execute(
                """
                INSERT INTO replication_checkpoint (stream, peer, pushed_seq, root_hash, completed_at)
                VALUES (\(checkpoint.stream), \(checkpoint.peer.rawValue), \(checkpoint.pushedSeq),
                    \(checkpoint.rootHash), \(checkpoint.completedAt))
                ON CONFLICT (stream, peer) DO UPDATE SET pushed_seq = excluded.pushed_seq,
                    root_hash = excluded.root_hash, completed_at = excluded.completed_at
                """,
                logger: logger
            )
        }
    }
}
