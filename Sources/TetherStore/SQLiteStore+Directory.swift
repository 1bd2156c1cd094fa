public import Foundation
import GRDB
public import TetherCore

extension SQLiteStore {
    public func reserveDirectoryEntry(
        emailHash: String,
        region: RegionID,
        expiresAt: Date,
        now: Date
    ) async throws -> DirectoryEntry {
        try await self.dbWriter.write { db in
            if let holder = try Self.directoryRow(db, emailHash: emailHash, now: now),
                holder.region != region || holder.confirmed
            {
                return holder
            }
            try db.execute(
                sql: """
                    INSERT INTO directory_entry (email_hash, region, confirmed, expires_at) VALUES (?, ?, 0, ?)
                    ON CONFLICT (email_hash) DO UPDATE SET region = excluded.region, confirmed = 0,
                        expires_at = excluded.expires_at
                    """,
                arguments: [emailHash, region.rawValue, expiresAt]
            )
            return DirectoryEntry(emailHash: emailHash, region: region, confirmed: false)
        }
    }

    public func releaseDirectoryEntry(emailHash: String, region: RegionID) async throws {
        try await self.dbWriter.write { db in
            try db.execute(
                sql: "DELETE FROM directory_entry WHERE email_hash = ? AND region = ?",
                arguments: [emailHash, region.rawValue]
            )
        }
    }

    public func directoryEntry(emailHash: String, now: Date) async throws -> DirectoryEntry? {
        try await self.dbWriter.read { db in try Self.directoryRow(db, emailHash: emailHash, now: now) }
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

    public func confirmDirectoryEntries(emailHashes: [String], region: RegionID) async throws {
        try await self.dbWriter.write { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO directory_entry (email_hash, region, confirmed, expires_at) VALUES (?, ?, 1, NULL)
                    ON CONFLICT (email_hash) DO UPDATE SET region = excluded.region, confirmed = 1, expires_at = NULL
                    """
            )
            for hash in emailHashes {
                try statement.execute(arguments: [hash, region.rawValue])
            }
        }
    }

    private static func directoryRow(_ db: Database, emailHash: String, now: Date) throws -> DirectoryEntry? {
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT region, confirmed FROM directory_entry
                WHERE email_hash = ? AND (confirmed = 1 OR expires_at > ?)
                """,
            arguments: [emailHash, now]
        )
        guard let row, let region = RegionID(rawValue: row["region"]) else { return nil }
        return DirectoryEntry(emailHash: emailHash, region: region, confirmed: row["confirmed"])
    }
}
