public import Foundation
import PostgresNIO
public import TetherCore
public import TetherStore

/// ``AlertStore`` on PostgreSQL.
extension PostgresStore {
    public func recordAlertChanges(_ changes: [AlertChange]) async throws -> [Alert?] {
        guard !changes.isEmpty else { return [] }
        let devices = Set(
            changes.map { change in
                switch change {
                case .raise(let alert): alert.device.rawValue
                case .end(let device, _, _, _): device.rawValue
                }
            }
        )
        // One statement, its own transaction: the devices' locks, in one order, keep the check for
        // a rule's open alert and the insert after it from interleaving with another decision for
        // the same device.
        let statement = AlertStatements.RecordChanges(
            lockKeys: devices.sorted().map { "alert-device:\($0)" },
            changes: changes
        )
        let changed = try await self.pool.statement { connection in try await connection.all(statement) }
        var results = [Alert?](repeating: nil, count: changes.count)
        for (index, alert) in changed { results[index] = alert }
        return results
    }

    public func alerts(account: AccountID, device: DeviceID?, limit: Int) async throws -> [Alert] {
        let query: PostgresQuery =
            if let device {
                """
                SELECT \(unescaped: PostgresAlertRows.columns) FROM alert
                WHERE account_id = \(account.rawValue) AND device_id = \(device.rawValue)
                ORDER BY decided_ms DESC, id LIMIT \(limit)
                """
            } else {
                """
                SELECT \(unescaped: PostgresAlertRows.columns) FROM alert WHERE account_id = \(account.rawValue)
                ORDER BY decided_ms DESC, id LIMIT \(limit)
                """
            }
        return try await self.fetchAll(query, PostgresAlertRows.alert)
    }

    public func acknowledgeAlert(id: AlertID, account: AccountID, at date: Date) async throws -> Alert? {
        // One statement; acknowledging twice keeps the first time.
        try await self.writeReturning(
            """
            UPDATE alert SET acknowledged_at = coalesce(acknowledged_at, \(date))
            WHERE id = \(id.rawValue) AND account_id = \(account.rawValue)
            RETURNING \(unescaped: PostgresAlertRows.columns)
            """,
            PostgresAlertRows.alert
        )
    }

    public func alert(id: AlertID, account: AccountID) async throws -> Alert? {
        try await self.fetchOne(
            """
            SELECT \(unescaped: PostgresAlertRows.columns) FROM alert
            WHERE id = \(id.rawValue) AND account_id = \(account.rawValue)
            """,
            PostgresAlertRows.alert
        )
    }

    public func repeatableAlerts(kinds: [AlertKind], notifiedBefore: Int64, limit: Int) async throws -> [Alert] {
        guard !kinds.isEmpty else { return [] }
        return try await self.fetchAll(
            """
            SELECT \(unescaped: PostgresAlertRows.columns) FROM alert
            WHERE ended_ms IS NULL AND acknowledged_at IS NULL AND suppressed_by IS NULL
                AND kind = ANY(\(kinds.map(\.rawValue))) AND coalesce(notified_ms, decided_ms) <= \(notifiedBefore)
            ORDER BY coalesce(notified_ms, decided_ms), id LIMIT \(limit)
            """,
            PostgresAlertRows.alert
        )
    }

    public func recordRepeat(id: AlertID, at: Int64) async throws -> Alert? {
        try await self.writeReturning(
            """
            UPDATE alert SET repeat_count = repeat_count + 1, notified_ms = \(at)
            WHERE id = \(id.rawValue) AND ended_ms IS NULL AND acknowledged_at IS NULL
            RETURNING \(unescaped: PostgresAlertRows.columns)
            """,
            PostgresAlertRows.alert
        )
    }

    public func suppressedOpenAlerts(kinds: [AlertKind], limit: Int) async throws -> [Alert] {
        guard !kinds.isEmpty else { return [] }
        return try await self.fetchAll(
            """
            SELECT \(unescaped: PostgresAlertRows.columns) FROM alert
            WHERE ended_ms IS NULL AND suppressed_by IS NOT NULL AND kind = ANY(\(kinds.map(\.rawValue)))
            ORDER BY decided_ms, id LIMIT \(limit)
            """,
            PostgresAlertRows.alert
        )
    }

    public func liftSuppression(id: AlertID, at: Int64, createdAt: Date) async throws -> Alert? {
        // One statement: the lift and the webhook delivery it queues.
        try await self.writeReturning(
            """
            WITH lifted AS (
                UPDATE alert SET suppressed_by = NULL, notified_ms = \(at)
                WHERE id = \(id.rawValue) AND ended_ms IS NULL AND suppressed_by IS NOT NULL
                RETURNING \(unescaped: PostgresAlertRows.columns)
            ), queued AS (
                INSERT INTO webhook_delivery (alert_id, account_id, next_attempt_at)
                SELECT lifted.id, lifted.account_id, \(createdAt) FROM lifted
                JOIN account_alerting ON account_alerting.account_id = lifted.account_id
                WHERE account_alerting.webhook_url IS NOT NULL
                ON CONFLICT DO NOTHING
            )
            SELECT \(unescaped: PostgresAlertRows.columns) FROM lifted
            """,
            PostgresAlertRows.alert
        )
    }

    public func touchAlert(id: AlertID, at: Int64) async throws {
        try await self.write("UPDATE alert SET notified_ms = \(at) WHERE id = \(id.rawValue)")
    }
}
