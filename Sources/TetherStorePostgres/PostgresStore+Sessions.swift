public import Foundation
public import TetherCore
import TetherStore

/// ``SessionStore`` on PostgreSQL.
extension PostgresStore {
    public func createSession(_ session: Session) async throws {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func session(accessTokenHash hash: String) async throws -> Session? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func session(id: SessionID) async throws -> Session? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func rotateSession(
        refreshTokenHash: String,
        now: Date,
        update: @Sendable (inout Session) throws -> Void
    ) async throws -> Session? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func deleteSession(id: SessionID) async throws {
        throw PostgresStoreError.notImplemented(#function)
    }
}
