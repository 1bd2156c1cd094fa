public import Foundation
public import TetherCore
public import TetherStore

/// ``AccountMoveStore`` on PostgreSQL.
extension PostgresStore {
    public func movingAccountRows(account: AccountID) async throws -> AccountRows? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func importMovedAccount(_ rows: AccountRows, home: RegionID, at date: Date) async throws {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func removeMovedAccount(_ account: AccountID, to region: RegionID, at date: Date) async throws -> Bool {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func credentialRoute(tokenHash: String) async throws -> RegionID? {
        throw PostgresStoreError.notImplemented(#function)
    }
}
