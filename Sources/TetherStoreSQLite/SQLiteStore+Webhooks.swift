public import Foundation
import GRDB
public import TetherCore
public import TetherStore

extension SQLiteStore {
    public func dueWebhookDeliveries(now: Date, limit: Int, perAccount: Int) async throws -> [WebhookDelivery] {
        try await self.dbWriter.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT d.alert_id, d.attempts, a.webhook_url, a.webhook_secret, a.webhook_created_at
                    FROM (
                        SELECT alert_id, account_id, attempts, next_attempt_at,
                            row_number() OVER (
                                PARTITION BY account_id ORDER BY next_attempt_at, alert_id
                            ) AS place
                        FROM webhook_delivery WHERE next_attempt_at <= ?
                    ) d
                    JOIN account_alerting a ON a.account_id = d.account_id
                    WHERE d.place <= ? AND a.webhook_url IS NOT NULL
                    ORDER BY d.next_attempt_at, d.alert_id LIMIT ?
                    """,
                arguments: [now, perAccount, limit]
            )
            return try rows.compactMap { row -> WebhookDelivery? in
                let id: String = row["alert_id"]
                guard let alert = try AlertRecord.fetchOne(db, key: id)?.alert(),
                    let url = URL(string: row["webhook_url"])
                else { return nil }
                let endpoint = WebhookEndpoint(
                    url: url,
                    secret: row["webhook_secret"],
                    createdAt: row["webhook_created_at"]
                )
                return WebhookDelivery(alert: alert, endpoint: endpoint, attempts: row["attempts"])
            }
        }
    }

    public func completeWebhookDelivery(alert: AlertID) async throws {
        try await self.dbWriter.write { db in
            try db.execute(sql: "DELETE FROM webhook_delivery WHERE alert_id = ?", arguments: [alert.rawValue])
        }
    }

    public func failWebhookDelivery(alert: AlertID, error: String, next: Date?) async throws {
        try await self.dbWriter.write { db in
            if let next {
                try db.execute(
                    sql: """
                        UPDATE webhook_delivery SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?
                        WHERE alert_id = ?
                        """,
                    arguments: [next, String(error.prefix(500)), alert.rawValue]
                )
            } else {
                try db.execute(sql: "DELETE FROM webhook_delivery WHERE alert_id = ?", arguments: [alert.rawValue])
            }
        }
    }
}
