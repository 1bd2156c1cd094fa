public import Foundation
import TetherCore
public import TetherStore

/// ``OperatorStore`` on PostgreSQL.
extension PostgresStore {
    public func addOperatorToken(hash: String, createdAt: Date) async throws {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func isOperatorToken(hash: String) async throws -> Bool {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func statistics(now: Date) async throws -> ServiceStatistics {
        throw PostgresStoreError.notImplemented(#function)
    }
}
