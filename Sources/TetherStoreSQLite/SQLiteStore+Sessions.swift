public import Foundation
import GRDB
public import TetherCore
import TetherStore

extension SQLiteStore {
    public func createSession(_ session: Session) async throws {
        try await self.dbWriter.write { db in try SessionRecord(session).insert(db) }
    }

    public func session(accessTokenHash hash: String) async throws -> Session? {
        try await self.dbWriter.read { db in
            try SessionRecord.filter(Column("access_token_hash") == hash).fetchOne(db)?.session
        }
    }

    public func session(id: SessionID) async throws -> Session? {
        try await self.dbWriter.read { db in try SessionRecord.fetchOne(db, key: id.rawValue)?.session }
    }

    public func rotateSession(
        refreshTokenHash: String,
        now: Date,
        update: @Sendable (inout Session) throws -> Void
    ) async throws -> Session? {
        try await self.dbWriter.write { db in
            let match = SessionRecord.filter(
                Column("refresh_token_hash") == refreshTokenHash && Column("refresh_expires_at") > now
            )
            guard let record = try match.fetchOne(db) else { return nil }
            var session = record.session
            try update(&session)
            session.id = record.session.id
            session.account = record.session.account
            try SessionRecord(session).update(db)
            return session
        }
    }

    public func deleteSession(id: SessionID) async throws {
        _ = try await self.dbWriter.write { db in try SessionRecord.deleteOne(db, key: id.rawValue) }
    }
}
