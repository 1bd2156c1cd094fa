public import Foundation
import GRDB
public import TetherCore
public import TetherStore

extension SQLiteStore {
    public func reserveDirectoryEntry(
        emailHash: String,
        region: RegionID,
        expiresAt: Date,
        now: Date
    ) async throws -> DirectoryReservation {
        try await self.dbWriter.write { db in
            try Self.lockDirectory(db)
            let latest = try Self.directoryRecord(db, emailHash: emailHash)?.version
            if let holder = try Self.directoryHolder(db, emailHash: emailHash, now: now),
                holder.region != region || holder.confirmed
            {
                return DirectoryReservation(holder: holder, latestVersion: latest)
            }
            try db.execute(
                sql: """
                    INSERT INTO directory_reservation (email_hash, region, expires_at) VALUES (?, ?, ?)
                    ON CONFLICT (email_hash) DO UPDATE SET region = excluded.region, expires_at = excluded.expires_at
                    """,
                arguments: [emailHash, region.rawValue, expiresAt]
            )
            return DirectoryReservation(
                holder: DirectoryEntry(emailHash: emailHash, region: region, confirmed: false),
                latestVersion: latest
            )
        }
    }

    public func releaseDirectoryReservation(emailHash: String, region: RegionID) async throws {
        try await self.dbWriter.write { db in
            try db.execute(
                sql: "DELETE FROM directory_reservation WHERE email_hash = ? AND region = ?",
                arguments: [emailHash, region.rawValue]
            )
        }
    }

    public func directoryEntry(emailHash: String, now: Date) async throws -> DirectoryEntry? {
        try await self.dbWriter.read { db in try Self.directoryHolder(db, emailHash: emailHash, now: now) }
    }

    public func accountEmails(after: String?, limit: Int) async throws -> [EmailAddress] {
        try await self.dbWriter.read { db in
            try String.fetchAll(
                db,
                sql: "SELECT email FROM account WHERE email > ? ORDER BY email LIMIT ?",
                arguments: [after ?? "", limit]
            ).compactMap { try? EmailAddress($0) }
        }
    }

    @discardableResult
    public func authorDirectoryRecords(
        emailHashes: [String],
        region: RegionID,
        state: DirectoryRecord.State,
        now: Date,
        floor: DirectoryVersion?,
        sign: (@Sendable (DirectoryRecord) -> Data)?
    ) async throws -> [DirectoryRecord] {
        try await self.dbWriter.write { db in
            // The directory lock first: with it held, no other writer adds a version between
            // reading the highest and writing above it.
            try Self.lockDirectory(db)
            let highest = try Int64.fetchOne(db, sql: "SELECT MAX(version) FROM directory_record") ?? 0
            var version = max(
                DirectoryVersion(wallClock: now),
                DirectoryVersion(rawValue: highest).successor,
                floor?.successor ?? DirectoryVersion(rawValue: 0)
            )
            var written: [DirectoryRecord] = []
            for hash in emailHashes {
                try db.execute(
                    sql: "DELETE FROM directory_reservation WHERE email_hash = ? AND region = ?",
                    arguments: [hash, region.rawValue]
                )
                if let current = try Self.directoryRecord(db, emailHash: hash),
                    current.region == region, current.state == state, current.signature != nil || sign == nil
                {
                    continue
                }
                var record = DirectoryRecord(emailHash: hash, region: region, state: state, version: version)
                record.signature = sign?(record)
                try Self.writeDirectoryRecord(db, record, origin: nil)
                written.append(record)
                version = version.successor
            }
            return written
        }
    }

    /// The confirmed record, else a live reservation.
    private static func directoryHolder(_ db: Database, emailHash: String, now: Date) throws -> DirectoryEntry? {
        if let record = try self.directoryRecord(db, emailHash: emailHash), record.state == .confirmed {
            return DirectoryEntry(emailHash: emailHash, region: record.region, confirmed: true)
        }
        let row = try Row.fetchOne(
            db,
            sql: "SELECT region FROM directory_reservation WHERE email_hash = ? AND expires_at > ?",
            arguments: [emailHash, now]
        )
        guard let row, let region = RegionID(rawValue: row["region"]) else { return nil }
        return DirectoryEntry(emailHash: emailHash, region: region, confirmed: false)
    }
}
