public import Foundation
import PostgresNIO
public import TetherStore

/// ``OperatorStore`` on PostgreSQL.
extension PostgresStore {
    public func addOperatorToken(hash: String, createdAt: Date) async throws {
        try await self.write("INSERT INTO operator_token (token_hash, created_at) VALUES (\(hash), \(createdAt))")
    }

    public func isOperatorToken(hash: String) async throws -> Bool {
        try await self.fetchOne("SELECT EXISTS (SELECT 1 FROM operator_token WHERE token_hash = \(hash))") {
            try $0.decode(Bool.self)
        } ?? false
    }

    public func statistics(now: Date) async throws -> ServiceStatistics {
        // One statement: the three counts come from one snapshot.
        let (accounts, devices, sessions) =
            try await self.fetchOne(
                """
                SELECT (SELECT count(*) FROM account), (SELECT count(*) FROM device),
                    (SELECT count(*) FROM session WHERE refresh_expires_at > \(now))
                """
            ) { try $0.decode((Int, Int, Int).self) } ?? (0, 0, 0)
        return ServiceStatistics(accounts: accounts, devices: devices, activeSessions: sessions)
    }
}
