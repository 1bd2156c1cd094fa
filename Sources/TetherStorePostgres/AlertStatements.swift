import Foundation
import PostgresNIO
import TetherCore
import TetherStore

/// The alert engine's two writes, run once per raised or ended episode, as prepared statements
/// (parsed and planned once per connection; see ``TelemetryStatements``).
enum AlertStatements {
    /// Stores `alert` unless its episode is stored (the unique device, rule and episode start)
    /// or, for kinds with one open episode per rule, the rule has an open alert; queues it for
    /// the account's webhook unless it is suppressed. Returns 1 when it stored the alert.
    struct Raise: PostgresPreparedStatement {
        static let sql = """
            WITH stored AS (
                INSERT INTO alert (\(PostgresAlertRows.columns))
                SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15
                WHERE NOT $16 OR NOT EXISTS (
                    SELECT 1 FROM alert WHERE device_id = $2 AND rule = $5 AND ended_ms IS NULL
                )
                ON CONFLICT DO NOTHING
                RETURNING id, account_id
            ), queued AS (
                INSERT INTO webhook_delivery (alert_id, account_id, next_attempt_at)
                SELECT stored.id, stored.account_id, $15 FROM stored
                JOIN account_alerting ON account_alerting.account_id = stored.account_id
                WHERE $17 AND account_alerting.webhook_url IS NOT NULL
                ON CONFLICT DO NOTHING
            )
            SELECT count(*) FROM stored
            """
        typealias Row = Int

        var alert: Alert

        func makeBindings() throws -> PostgresBindings {
            let alert = self.alert
            var bindings = PostgresBindings(capacity: 17)
            bindings.append(alert.id.rawValue)
            bindings.append(alert.device.rawValue)
            bindings.append(alert.account.rawValue)
            bindings.append(alert.kind.rawValue)
            bindings.append(alert.rule)
            bindings.append(alert.episodeStart)
            bindings.append(alert.decidedAt)
            bindings.append(alert.reason)
            bindings.append(StoredAlertFixes.text(alert.fixes))
            bindings.append(alert.suppressedBy)
            bindings.append(alert.endedAt)
            bindings.append(alert.acknowledgedAt)
            bindings.append(alert.repeatCount)
            bindings.append(alert.notifiedAt)
            bindings.append(alert.createdAt)
            bindings.append(alert.kind.hasOneOpenEpisodePerRule)
            bindings.append(!alert.isSuppressed)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Int.self) }
    }

    /// Ends the rule's open alert that began at the episode's start or, when a replay after a
    /// restart dated the episode differently, the latest that began before the end; returns it.
    struct End: PostgresPreparedStatement {
        static let sql = """
            UPDATE alert SET ended_ms = $1
            WHERE id = (
                SELECT id FROM alert
                WHERE device_id = $2 AND rule = $3 AND ended_ms IS NULL AND episode_start_ms <= $4
                ORDER BY episode_start_ms = $5 DESC, episode_start_ms DESC LIMIT 1
            )
            RETURNING \(PostgresAlertRows.columns)
            """
        typealias Row = Alert

        var device: DeviceID
        var rule: String
        var episodeStart: Int64
        var endedAt: Int64

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 5)
            bindings.append(self.endedAt)
            bindings.append(self.device.rawValue)
            bindings.append(self.rule)
            bindings.append(max(self.endedAt, self.episodeStart))
            bindings.append(self.episodeStart)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try PostgresAlertRows.alert(row) }
    }
}
