public import Foundation
import PostgresNIO
public import TetherCore
public import TetherStore

/// ``WebhookOutbox`` on PostgreSQL.
extension PostgresStore {
    public func dueWebhookDeliveries(now: Date, limit: Int, perAccount: Int) async throws -> [WebhookDelivery] {
        // One statement: each account's oldest `perAccount` due deliveries, with their alerts and
        // the account's endpoint.
        try await self.fetchAll(
            """
            SELECT \(unescaped: PostgresAlertRows.columns(of: "alert")),
                due.attempts, account_alerting.webhook_url, account_alerting.webhook_secret,
                account_alerting.webhook_created_at
            FROM (
                SELECT alert_id, account_id, attempts, next_attempt_at,
                    row_number() OVER (PARTITION BY account_id ORDER BY next_attempt_at, alert_id) AS place
                FROM webhook_delivery WHERE next_attempt_at <= \(now)
            ) due
            JOIN account_alerting ON account_alerting.account_id = due.account_id
            JOIN alert ON alert.id = due.alert_id
            WHERE due.place <= \(perAccount) AND account_alerting.webhook_url IS NOT NULL
            ORDER BY due.next_attempt_at, due.alert_id LIMIT \(limit)
            """
        ) { row -> WebhookDelivery? in
            let alert = try PostgresAlertRows.alert(row)
            let columns = row.makeRandomAccess()
            guard let url = URL(string: try columns["webhook_url"].decode(String.self)) else { return nil }
            let endpoint = WebhookEndpoint(
                url: url,
                secret: try columns["webhook_secret"].decode(String.self),
                createdAt: try columns["webhook_created_at"].decode(Date.self)
            )
            return WebhookDelivery(
                alert: alert,
                endpoint: endpoint,
                attempts: try columns["attempts"].decode(Int.self)
            )
        }
        .compactMap { $0 }
    }

    public func completeWebhookDelivery(alert: AlertID) async throws {
        try await self.write("DELETE FROM webhook_delivery WHERE alert_id = \(alert.rawValue)")
    }

    public func failWebhookDelivery(alert: AlertID, error: String, next: Date?) async throws {
        if let next {
            try await self.write(
                """
                UPDATE webhook_delivery
                SET attempts = attempts + 1, next_attempt_at = \(next), last_error = \(String(error.prefix(500)))
                WHERE alert_id = \(alert.rawValue)
                """
            )
        } else {
            try await self.completeWebhookDelivery(alert: alert)
        }
    }
}
