import Foundation
import Logging
import PostgresNIO
import TetherCore
import TetherStore

// Reading and writing the rows of the alert-settings and settings-sync tables on PostgreSQL
// (the row types are TetherStore's, shared with SQLite).

extension AlertScopeRow {
    /// The columns ``decode(_:)`` reads, in order.
    static let columns = """
        account_id, device_id, allowed_distance_m, dwell_s, low_battery_pct, silent_after_s, repeat_interval_s, \
        phone_id, dnd_enabled, snoozed_until
        """

    /// The scopes of rows selecting ``columns``.
    static func decode(_ rows: PostgresRowSequence) async throws -> [AlertScopeRow] {
        var scopes: [AlertScopeRow] = []
        let types = (String, String?, Double?, Int64?, Int64?, Int64?, Int64?, String?, Int64?, Date?).self
        for try await (account, device, distance, dwell, battery, silent, repeats, phone, dnd, snoozed) in rows.decode(
            types
        ) {
            var scope = AlertScopeRow(accountId: account, deviceId: device)
            scope.allowedDistanceM = distance
            scope.dwellS = dwell.map(Int.init)
            scope.lowBatteryPct = battery.map(Int.init)
            scope.silentAfterS = silent.map(Int.init)
            scope.repeatIntervalS = repeats.map(Int.init)
            scope.phoneId = phone
            scope.dndEnabled = dnd.map { $0 != 0 }
            scope.snoozedUntil = snoozed
            scopes.append(scope)
        }
        return scopes
    }

    /// The scope's row (`device` `nil`: the account's), or a new empty one; on the
    /// `alert_scope_key` index.
    static func fetch(
        _ connection: PostgresConnection,
        account: AccountID,
        device: String?,
        logger: Logger
    ) async throws -> AlertScopeRow {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.columns) FROM alert_scope
            WHERE account_id = \(account.rawValue) AND coalesce(device_id, '') = \(device ?? "")
            """,
            logger: logger
        )
        return try await Self.decode(rows).first ?? AlertScopeRow(accountId: account.rawValue, deviceId: device)
    }

    /// Writes the row, replacing the scope's existing one.
    func save(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO alert_scope (\(unescaped: Self.columns))
            VALUES (\(self.accountId), \(self.deviceId), \(self.allowedDistanceM), \(self.dwellS.map(Int64.init)),
                \(self.lowBatteryPct.map(Int64.init)), \(self.silentAfterS.map(Int64.init)),
                \(self.repeatIntervalS.map(Int64.init)), \(self.phoneId), \(self.dndEnabled.map { $0 ? Int64(1) : 0 }),
                \(self.snoozedUntil))
            ON CONFLICT (account_id, (coalesce(device_id, ''))) DO UPDATE SET
                allowed_distance_m = excluded.allowed_distance_m, dwell_s = excluded.dwell_s,
                low_battery_pct = excluded.low_battery_pct, silent_after_s = excluded.silent_after_s,
                repeat_interval_s = excluded.repeat_interval_s, phone_id = excluded.phone_id,
                dnd_enabled = excluded.dnd_enabled, snoozed_until = excluded.snoozed_until
            """,
            logger: logger
        )
    }
}

extension FenceRow {
    static let columns = "id, account_id, device_id, name, role, geojson, created_at"

    /// The fences of rows selecting ``columns``.
    static func decode(_ rows: PostgresRowSequence) async throws -> [FenceRow] {
        var fences: [FenceRow] = []
        for try await (id, account, device, name, role, geojson, created) in rows.decode(
            (String, String, String?, String, String, String, Date).self
        ) {
            fences.append(
                FenceRow(
                    id: id,
                    accountId: account,
                    deviceId: device,
                    name: name,
                    role: role,
                    geojson: geojson,
                    createdAt: created
                )
            )
        }
        return fences
    }

    func insert(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO fence (\(unescaped: Self.columns))
            VALUES (\(self.id), \(self.accountId), \(self.deviceId), \(self.name), \(self.role), \(self.geojson),
                \(self.createdAt))
            """,
            logger: logger
        )
    }
}

extension QuietWindowRow {
    static let columns = "id, account_id, device_id, days, start_minute, end_minute, time_zone, created_at"

    /// The windows of rows selecting ``columns``.
    static func decode(_ rows: PostgresRowSequence) async throws -> [QuietWindowRow] {
        var windows: [QuietWindowRow] = []
        for try await (id, account, device, days, start, end, timeZone, created) in rows.decode(
            (String, String, String?, String, Int64, Int64, String, Date).self
        ) {
            windows.append(
                QuietWindowRow(
                    id: id,
                    accountId: account,
                    deviceId: device,
                    days: days,
                    startMinute: Int(start),
                    endMinute: Int(end),
                    timeZone: timeZone,
                    createdAt: created
                )
            )
        }
        return windows
    }

    func insert(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO quiet_window (\(unescaped: Self.columns))
            VALUES (\(self.id), \(self.accountId), \(self.deviceId), \(self.days), \(Int64(self.startMinute)),
                \(Int64(self.endMinute)), \(self.timeZone), \(self.createdAt))
            """,
            logger: logger
        )
    }
}

extension SettingFieldRow {
    static let columns = """
        account_id, collection, record_id, field, value, vector, stamp_ms, stamp_counter, stamp_replica, seq
        """

    /// The field rows of rows selecting ``columns``.
    static func decode(_ rows: PostgresRowSequence) async throws -> [SettingFieldRow] {
        var fields: [SettingFieldRow] = []
        for try await (account, collection, record, field, value, vector, stampMs, counter, replica, seq)
            in rows.decode(
                (String, String, String, String, String, String, Int64, Int64, String, Int64).self
            )
        {
            fields.append(
                SettingFieldRow(
                    accountId: account,
                    collection: collection,
                    recordId: record,
                    field: field,
                    value: value,
                    vector: vector,
                    stampMs: stampMs,
                    stampCounter: counter,
                    stampReplica: replica,
                    seq: seq
                )
            )
        }
        return fields
    }
}

extension SettingConflictRow {
    static let columns = """
        id, account_id, collection, record_id, field, reason, losing, winning, detected_at
        """

    /// The conflict rows of rows selecting ``columns``.
    static func decode(_ rows: PostgresRowSequence) async throws -> [SettingConflictRow] {
        var conflicts: [SettingConflictRow] = []
        for try await (id, account, collection, record, field, reason, losing, winning, detected) in rows.decode(
            (Int64, String, String, String, String, String, String, String, Date).self
        ) {
            conflicts.append(
                SettingConflictRow(
                    id: id,
                    accountId: account,
                    collection: collection,
                    recordId: record,
                    field: field,
                    reason: reason,
                    losing: losing,
                    winning: winning,
                    detectedAt: detected
                )
            )
        }
        return conflicts
    }

    /// Inserts `rows` in one statement.
    static func insert(_ rows: [SettingConflictRow], _ connection: PostgresConnection, logger: Logger) async throws {
        guard !rows.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO setting_conflict
                (account_id, collection, record_id, field, reason, losing, winning, detected_at)
            SELECT * FROM unnest(
                \(rows.map(\.accountId))::text[], \(rows.map(\.collection))::text[], \(rows.map(\.recordId))::text[],
                \(rows.map(\.field))::text[], \(rows.map(\.reason))::text[], \(rows.map(\.losing))::text[],
                \(rows.map(\.winning))::text[], \(rows.map(\.detectedAt))::timestamptz[])
            """,
            logger: logger
        )
    }
}
