public import Foundation
import GRDB
public import TetherStore

extension SQLiteStore {
    public func addOperatorToken(hash: String, createdAt: Date) async throws {
        try await self.dbWriter.write { db in
            try db.execute(
                sql: "INSERT INTO operator_token (token_hash, created_at) VALUES (?, ?)",
                arguments: [hash, createdAt]
            )
        }
    }

    public func isOperatorToken(hash: String) async throws -> Bool {
        try await self.dbWriter.read { db in
            try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (SELECT 1 FROM operator_token WHERE token_hash = ?)",
                arguments: [hash]
            ) ?? false
        }
    }

    public func statistics(now: Date) async throws -> ServiceStatistics {
        try await self.dbWriter.read { db in
            ServiceStatistics(
                accounts: try AccountRecord.fetchCount(db),
                devices: try DeviceRecord.fetchCount(db),
                activeSessions: try SessionRecord.filter(Column("refresh_expires_at") > now).fetchCount(db)
            )
        }
    }
}
