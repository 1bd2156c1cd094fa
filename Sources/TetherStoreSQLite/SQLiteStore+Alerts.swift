public import Foundation
import GRDB
public import TetherCore
public import TetherStore

extension SQLiteStore {
    public func recordAlertChanges(_ changes: [AlertChange]) async throws -> [Alert?] {
        guard !changes.isEmpty else { return [] }
        return try await self.dbWriter.write { db in
            try changes.map { change in
                switch change {
                case .raise(let alert):
                    try Self.raise(db, alert)
                case .end(let device, let rule, let episodeStart, let endedAt):
                    try Self.end(db, device: device, rule: rule, episodeStart: episodeStart, endedAt: endedAt)
                }
            }
        }
    }

    // The two paths every decision takes use cached statements and no Codable: a busy fleet
    // raises and ends alerts at thousands per second.

    private static func raise(_ db: Database, _ alert: Alert) throws -> Alert? {
        // An episode of a rule is open until it ends: a second alert for a rule that has one
        // open is the same episode decided again (a replay with other fixes), for the kinds
        // that say so (AlertKind.hasOneOpenEpisodePerRule).
        if alert.kind.hasOneOpenEpisodePerRule {
            let open = try db.cachedStatement(
                sql: "SELECT 1 FROM alert WHERE device_id = ? AND rule = ? AND ended_ms IS NULL LIMIT 1"
            )
            guard try Int.fetchOne(open, arguments: [alert.device.rawValue, alert.rule]) == nil else { return nil }
        }
        let insert = try db.cachedStatement(
            sql:
                "INSERT OR IGNORE INTO alert (\(AlertRows.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        try insert.execute(arguments: AlertRows.arguments(alert))
        guard db.changesCount > 0 else { return nil }
        if !alert.isSuppressed {
            try Self.queueWebhookDelivery(db, alert: alert.id, account: alert.account, at: alert.createdAt)
        }
        return alert
    }

    private static func end(
        _ db: Database,
        device: DeviceID,
        rule: String,
        episodeStart: Int64,
        endedAt: Int64
    ) throws -> Alert? {
        // The rule's open alert, which began at `episodeStart` or, when a replay after a
        // restart dated the episode differently, before the end.
        let select = try db.cachedStatement(
            sql: """
                SELECT \(AlertRows.columns) FROM alert
                WHERE device_id = ? AND rule = ? AND ended_ms IS NULL AND episode_start_ms <= ?
                ORDER BY episode_start_ms = ? DESC, episode_start_ms DESC LIMIT 1
                """
        )
        guard
            let row = try Row.fetchOne(
                select,
                arguments: [device.rawValue, rule, max(endedAt, episodeStart), episodeStart]
            )
        else { return nil }
        var alert = try AlertRows.alert(row)
        let update = try db.cachedStatement(sql: "UPDATE alert SET ended_ms = ? WHERE id = ?")
        try update.execute(arguments: [endedAt, alert.id.rawValue])
        alert.endedAt = endedAt
        return alert
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

    public func repeatableAlerts(kinds: [AlertKind], notifiedBefore: Int64, limit: Int) async throws -> [Alert] {
        guard !kinds.isEmpty else { return [] }
        return try await self.dbWriter.read { db in
            try AlertRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM alert
                    WHERE ended_ms IS NULL AND acknowledged_at IS NULL AND suppressed_by IS NULL
                        AND kind IN (\(databaseQuestionMarks(count: kinds.count)))
                        AND coalesce(notified_ms, decided_ms) <= ?
                    ORDER BY coalesce(notified_ms, decided_ms) LIMIT ?
                    """,
                arguments: StatementArguments(kinds.map(\.rawValue)) + [notifiedBefore, limit]
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

    public func suppressedOpenAlerts(kinds: [AlertKind], limit: Int) async throws -> [Alert] {
        guard !kinds.isEmpty else { return [] }
        return try await self.dbWriter.read { db in
            try AlertRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM alert WHERE ended_ms IS NULL AND suppressed_by IS NOT NULL
                        AND kind IN (\(databaseQuestionMarks(count: kinds.count)))
                    ORDER BY decided_ms LIMIT ?
                    """,
                arguments: StatementArguments(kinds.map(\.rawValue)) + [limit]
            )
            .map { try $0.alert() }
        }
    }

    public func liftSuppression(id: AlertID, at: Int64, createdAt: Date) async throws -> Alert? {
        try await self.dbWriter.write { db in
            guard
                var record = try AlertRecord.filter(
                    Column("id") == id.rawValue && Column("ended_ms") == nil && Column("suppressed_by") != nil
                )
                .fetchOne(db)
            else { return nil }
            record.suppressedBy = nil
            record.notifiedMs = at
            try record.update(db)
            try Self.queueWebhookDelivery(db, alert: id, account: AccountID(rawValue: record.accountId), at: createdAt)
            return try record.alert()
        }
    }

    public func touchAlert(id: AlertID, at: Int64) async throws {
        try await self.dbWriter.write { db in
            try db.execute(sql: "UPDATE alert SET notified_ms = ? WHERE id = ?", arguments: [at, id.rawValue])
        }
    }

    /// Queues the alert for the account's webhook, if it has one (once: the alert id is the key).
    private static func queueWebhookDelivery(
        _ db: Database,
        alert: AlertID,
        account: AccountID,
        at: Date = Date()
    )
        throws
    {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO webhook_delivery (alert_id, account_id, next_attempt_at)
                SELECT ?, account_id, ? FROM account_alerting WHERE account_id = ? AND webhook_url IS NOT NULL
                """,
            arguments: [alert.rawValue, at, account.rawValue]
        )
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
        self.fixes = StoredAlertFixes.text(alert.fixes)
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
            fixes: try StoredAlertFixes.fixes(self.fixes),
            suppressedBy: self.suppressedBy,
            endedAt: self.endedMs,
            acknowledgedAt: self.acknowledgedAt,
            repeatCount: self.repeatCount,
            notifiedAt: self.notifiedMs,
            createdAt: self.createdAt
        )
    }
}

/// `alert` rows read and written by hand, for the hot paths.
enum AlertRows {
    /// Every column, in the order of ``arguments(_:)``.
    static let columns =
        "id, device_id, account_id, kind, rule, episode_start_ms, decided_ms, reason, fixes, suppressed_by, "
        + "ended_ms, acknowledged_at, repeat_count, notified_ms, created_at"

    static func arguments(_ alert: Alert) -> StatementArguments {
        [
            alert.id.rawValue, alert.device.rawValue, alert.account.rawValue, alert.kind.rawValue, alert.rule,
            alert.episodeStart, alert.decidedAt, alert.reason, StoredAlertFixes.text(alert.fixes), alert.suppressedBy,
            alert.endedAt, alert.acknowledgedAt, alert.repeatCount, alert.notifiedAt, alert.createdAt,
        ]
    }

    static func alert(_ row: Row) throws -> Alert {
        guard let kind = AlertKind(rawValue: row["kind"]) else {
            throw StoreCorruption(table: "alert", column: "kind")
        }
        let fixes: String = row["fixes"]
        return Alert(
            id: AlertID(rawValue: row["id"]),
            device: DeviceID(rawValue: row["device_id"]),
            account: AccountID(rawValue: row["account_id"]),
            kind: kind,
            rule: row["rule"],
            episodeStart: row["episode_start_ms"],
            decidedAt: row["decided_ms"],
            reason: row["reason"],
            fixes: try StoredAlertFixes.fixes(fixes),
            suppressedBy: row["suppressed_by"],
            endedAt: row["ended_ms"],
            acknowledgedAt: row["acknowledged_at"],
            repeatCount: row["repeat_count"],
            notifiedAt: row["notified_ms"],
            createdAt: row["created_at"]
        )
    }
}
