public import Foundation
public import TetherCore
public import TetherStore

/// ``WebhookOutbox`` on PostgreSQL.
extension PostgresStore {
    public func dueWebhookDeliveries(now: Date, limit: Int, perAccount: Int) async throws -> [WebhookDelivery] {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func completeWebhookDelivery(alert: AlertID) async throws {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func failWebhookDelivery(alert: AlertID, error: String, next: Date?) async throws {
        throw PostgresStoreError.notImplemented(#function)
    }
}
