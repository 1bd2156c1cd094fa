public import Foundation
import GRDB
public import TetherCore

extension SQLiteStore {
    public func recordAlert(_ alert: Alert) async throws -> Alert? {
        try await self.dbWriter.write { db in
            try AlertRecord(alert).insert(db, onConflict: .ignore)
            guard db.changesCount > 0 else { return nil }
            if !alert.isSuppressed {
                // Queued with the alert, once: a webhook never sees an alert the store lacks.
                try db.execute(
                    sql: """
                        INSERT INTO webhook_delivery (alert_id, account_id, next_attempt_at)
                        SELECT ?, account_id, ? FROM account_alerting WHERE account_id = ? AND webhook_url IS NOT NULL
                        """,
                    arguments: [alert.id.rawValue, alert.createdAt, alert.account.rawValue]
                )
            }
            return alert
        }
    }

    public func endAlertEpisode(
        device: DeviceID,
        rule: String,
        episodeStart: Int64,
        endedAt: Int64
    ) async throws -> Alert? {
        try await self.dbWriter.write { db in
            try db.execute(
                sql: """
                    UPDATE alert SET ended_ms = ?
                    WHERE device_id = ? AND rule = ? AND episode_start_ms = ? AND ended_ms IS NULL
                    """,
                arguments: [endedAt, device.rawValue, rule, episodeStart]
            )
            guard db.changesCount > 0 else { return nil }
            return try AlertRecord.filter(
                Column("device_id") == device.rawValue && Column("rule") == rule
                    && Column("episode_start_ms") == episodeStart
            )
            .fetchOne(db)?
            .alert()
        }
    }

    public func alerts(account: AccountID, device: DeviceID?, limit: Int) async throws -> [Alert] {
        try await self.dbWriter.read { db in
            var request = AlertRecord.filter(Column("account_id") == account.rawValue)
            if let device { request = request.filter(Column("device_id") == device.rawValue) }
            return try request.order(Column("decided_ms").desc, Column("id")).limit(limit).fetchAll(db).map {
                try $0.alert()
            }
        }
    }

    public func alert(id: AlertID, account: AccountID) async throws -> Alert? {
        try await self.dbWriter.read { db in
            try AlertRecord.filter(Column("id") == id.rawValue && Column("account_id") == account.rawValue)
                .fetchOne(db)?.alert()
        }
    }

    public func repeatableAlerts(notifiedBefore: Int64, limit: Int) async throws -> [Alert] {
        try await self.dbWriter.read { db in
            try AlertRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM alert
                    WHERE ended_ms IS NULL AND acknowledged_at IS NULL AND suppressed_by IS NULL
                        AND kind IN ('anti_lost', 'keep_in', 'keep_out') AND coalesce(notified_ms, decided_ms) <= ?
                    ORDER BY coalesce(notified_ms, decided_ms) LIMIT ?
                    """,
                arguments: [notifiedBefore, limit]
            )
            .map { try $0.alert() }
        }
    }

    public func recordRepeat(id: AlertID, at: Int64) async throws -> Alert? {
        try await self.dbWriter.write { db in
            try db.execute(
                sql: """
                    UPDATE alert SET repeat_count = repeat_count + 1, notified_ms = ?
                    WHERE id = ? AND ended_ms IS NULL AND acknowledged_at IS NULL
                    """,
                arguments: [at, id.rawValue]
            )
            guard db.changesCount > 0 else { return nil }
            return try AlertRecord.fetchOne(db, key: id.rawValue)?.alert()
        }
    }

    public func acknowledgeAlert(id: AlertID, account: AccountID, at date: Date) async throws -> Alert? {
        try await self.dbWriter.write { db in
            guard
                var record = try AlertRecord.filter(
                    Column("id") == id.rawValue && Column("account_id") == account.rawValue
                )
                .fetchOne(db)
            else { return nil }
            // Acknowledging twice keeps the first time.
            record.acknowledgedAt = record.acknowledgedAt ?? date
            try record.update(db)
            return try record.alert()
        }
    }
}

/// An `alert` row.
struct AlertRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "alert"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: String
    var deviceId: String
    var accountId: String
    var kind: String
    var rule: String
    var episodeStartMs: Int64
    var decidedMs: Int64
    var reason: String
    var fixes: String
    var suppressedBy: String?
    var endedMs: Int64?
    var acknowledgedAt: Date?
    var repeatCount: Int
    var notifiedMs: Int64?
    var createdAt: Date

    init(_ alert: Alert) throws {
        self.id = alert.id.rawValue
        self.deviceId = alert.device.rawValue
        self.accountId = alert.account.rawValue
        self.kind = alert.kind.rawValue
        self.rule = alert.rule
        self.episodeStartMs = alert.episodeStart
        self.decidedMs = alert.decidedAt
        self.reason = alert.reason
        self.fixes = String(decoding: try JSONEncoder().encode(alert.fixes), as: UTF8.self)
        self.suppressedBy = alert.suppressedBy
        self.endedMs = alert.endedAt
        self.acknowledgedAt = alert.acknowledgedAt
        self.repeatCount = alert.repeatCount
        self.notifiedMs = alert.notifiedAt
        self.createdAt = alert.createdAt
    }

    func alert() throws -> Alert {
        guard let kind = AlertKind(rawValue: self.kind) else {
            throw StoreCorruption(table: Self.databaseTableName, column: "kind")
        }
        return Alert(
            id: AlertID(rawValue: self.id),
            device: DeviceID(rawValue: self.deviceId),
            account: AccountID(rawValue: self.accountId),
            kind: kind,
            rule: self.rule,
            episodeStart: self.episodeStartMs,
            decidedAt: self.decidedMs,
            reason: self.reason,
            fixes: try JSONDecoder().decode([AlertFix].self, from: Data(self.fixes.utf8)),
            suppressedBy: self.suppressedBy,
            endedAt: self.endedMs,
            acknowledgedAt: self.acknowledgedAt,
            repeatCount: self.repeatCount,
            notifiedAt: self.notifiedMs,
            createdAt: self.createdAt
        )
    }
}
