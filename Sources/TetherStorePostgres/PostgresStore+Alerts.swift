public import Foundation
public import TetherCore
public import TetherStore

/// ``AlertStore`` on PostgreSQL.
extension PostgresStore {
    public func recordAlertChanges(_ changes: [AlertChange]) async throws -> [Alert?] {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func alerts(account: AccountID, device: DeviceID?, limit: Int) async throws -> [Alert] {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func acknowledgeAlert(id: AlertID, account: AccountID, at date: Date) async throws -> Alert? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func alert(id: AlertID, account: AccountID) async throws -> Alert? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func repeatableAlerts(kinds: [AlertKind], notifiedBefore: Int64, limit: Int) async throws -> [Alert] {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func recordRepeat(id: AlertID, at: Int64) async throws -> Alert? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func suppressedOpenAlerts(kinds: [AlertKind], limit: Int) async throws -> [Alert] {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func liftSuppression(id: AlertID, at: Int64, createdAt: Date) async throws -> Alert? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func touchAlert(id: AlertID, at: Int64) async throws {
        throw PostgresStoreError.notImplemented(#function)
    }
}
