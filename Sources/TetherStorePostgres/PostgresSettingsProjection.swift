import Foundation
import Logging
import PostgresNIO
import TetherCore
import TetherStore

/// The settings tables read as synced fields and merged fields written back, on PostgreSQL: the
/// reads and writes around ``TetherStore/SettingsProjection``, which knows which column each
/// field is. Callers hold the account's settings lock
/// (``PostgresStore/lockSettings(_:account:logger:)``).
enum PostgresSettingsProjection {
    /// Every record the account has in the settings tables, as fields.
    static func allRecords(
        _ connection: PostgresConnection,
        account: AccountID,
        logger: Logger
    ) async throws -> [SettingRecordID: [String: SettingValue]] {
        var devices: [(id: String, name: String)] = []
        let rows = try await connection.query(
            "SELECT id, name FROM device WHERE account_id = \(account.rawValue)",
            logger: logger
        )
        for try await (id, name) in rows.decode((String, String).self) {
            devices.append((id, name))
        }
        return SettingsProjection.records(
            devices: devices,
            scopes: try await AlertScopeRow.decode(
                connection.query(
                    "SELECT \(unescaped: AlertScopeRow.columns) FROM alert_scope WHERE account_id = \(account.rawValue)",
                    logger: logger
                )
            ),
            fences: try await FenceRow.decode(
                connection.query(
                    "SELECT \(unescaped: FenceRow.columns) FROM fence WHERE account_id = \(account.rawValue)",
                    logger: logger
                )
            ),
            windows: try await QuietWindowRow.decode(
                connection.query(
                    "SELECT \(unescaped: QuietWindowRow.columns) FROM quiet_window WHERE account_id = \(account.rawValue)",
                    logger: logger
                )
            )
        )
    }

    /// One record as fields; `nil` when the settings tables do not have it.
    static func record(
        _ connection: PostgresConnection,
        account: AccountID,
        _ id: SettingRecordID,
        logger: Logger
    ) async throws -> [String: SettingValue]? {
        switch id.collection {
        case .device:
            let rows = try await connection.query(
                "SELECT name FROM device WHERE id = \(id.record) AND account_id = \(account.rawValue)",
                logger: logger
            )
            var name: String?
            for try await value in rows.decode(String.self) { name = value }
            return name.map(SettingsProjection.deviceFields(name:))
        case .rules, .dnd:
            let rows = try await connection.query(
                """
                SELECT \(unescaped: AlertScopeRow.columns) FROM alert_scope
                WHERE account_id = \(account.rawValue) AND coalesce(device_id, '') = \(SettingsProjection.scopeDevice(id) ?? "")
                """,
                logger: logger
            )
            return try await AlertScopeRow.decode(rows).first.map { SettingsProjection.fields($0, id.collection) }
        case .fence:
            let rows = try await connection.query(
                """
                SELECT \(unescaped: FenceRow.columns) FROM fence
                WHERE id = \(id.record) AND account_id = \(account.rawValue)
                """,
                logger: logger
            )
            return try await FenceRow.decode(rows).first.map(SettingsProjection.fields)
        case .quietWindow:
            let rows = try await connection.query(
                """
                SELECT \(unescaped: QuietWindowRow.columns) FROM quiet_window
                WHERE id = \(id.record) AND account_id = \(account.rawValue)
                """,
                logger: logger
            )
            return try await QuietWindowRow.decode(rows).first.map(SettingsProjection.fields)
        }
    }

    /// Which of `records` (fences and windows) the settings tables hold, in one query.
    static func present(
        _ connection: PostgresConnection,
        account: AccountID,
        _ records: [SettingRecordID],
        logger: Logger
    ) async throws -> Set<SettingRecordID> {
        let fences = records.filter { $0.collection == .fence }.map(\.record)
        let windows = records.filter { $0.collection == .quietWindow }.map(\.record)
        guard !fences.isEmpty || !windows.isEmpty else { return [] }
        let rows = try await connection.query(
            """
            SELECT 'fence', id FROM fence WHERE account_id = \(account.rawValue) AND id = ANY(\(fences))
            UNION ALL
            SELECT 'quiet_window', id FROM quiet_window WHERE account_id = \(account.rawValue) AND id = ANY(\(windows))
            """,
            logger: logger
        )
        return Set(try await Self.recordIDs(rows))
    }

    /// The records removing `device` changes: the device, its rules and do-not-disturb values,
    /// the fences and windows that are its own, and the rules that name it as their phone.
    static func recordsTouched(
        _ connection: PostgresConnection,
        byRemoving device: DeviceID,
        account: AccountID,
        logger: Logger
    ) async throws -> [SettingRecordID] {
        let rows = try await connection.query(
            """
            SELECT 'fence', id FROM fence WHERE account_id = \(account.rawValue) AND device_id = \(device.rawValue)
            UNION ALL
            SELECT 'quiet_window', id FROM quiet_window
            WHERE account_id = \(account.rawValue) AND device_id = \(device.rawValue)
            UNION ALL
            SELECT 'rules', coalesce(device_id, \(SettingKey.accountRecord)) FROM alert_scope
            WHERE account_id = \(account.rawValue) AND phone_id = \(device.rawValue)
            """,
            logger: logger
        )
        let owned = [
            SettingRecordID(.device, device.rawValue), SettingRecordID(.rules, device.rawValue),
            SettingRecordID(.dnd, device.rawValue),
        ]
        return owned + (try await Self.recordIDs(rows))
    }

    /// The record ids of rows of (collection, record id).
    private static func recordIDs(_ rows: PostgresRowSequence) async throws -> [SettingRecordID] {
        var records: [SettingRecordID] = []
        for try await (collection, id) in rows.decode((String, String).self) {
            if let collection = SettingCollection(rawValue: collection) {
                records.append(SettingRecordID(collection, id))
            }
        }
        return records
    }

    /// Writes a merged record to the settings tables; a deleted record is removed.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` for `changes` when the record cannot be
    ///   written (a fence without its shape).
    static func write(
        _ connection: PostgresConnection,
        account: AccountID,
        _ id: SettingRecordID,
        fields: [String: SettingValue],
        deleted: Bool,
        now: Date,
        logger: Logger
    ) async throws {
        switch id.collection {
        case .device:
            // Devices come and go by pairing; sync only names them.
            guard !deleted, let name = fields["name"]?.string else { return }
            try await connection.query(
                "UPDATE device SET name = \(name) WHERE id = \(id.record) AND account_id = \(account.rawValue)",
                logger: logger
            )
        case .rules, .dnd:
            var scope = try await AlertScopeRow.fetch(
                connection,
                account: account,
                device: SettingsProjection.scopeDevice(id),
                logger: logger
            )
            SettingsProjection.apply(fields, id.collection, to: &scope)
            try await scope.save(connection, logger: logger)
        case .fence:
            try await connection.query(
                "DELETE FROM fence WHERE id = \(id.record) AND account_id = \(account.rawValue)",
                logger: logger
            )
            guard !deleted else { return }
            try await SettingsProjection.fence(id, account: account, fields: fields, now: now).insert(
                connection,
                logger: logger
            )
        case .quietWindow:
            try await connection.query(
                "DELETE FROM quiet_window WHERE id = \(id.record) AND account_id = \(account.rawValue)",
                logger: logger
            )
            guard !deleted else { return }
            try await SettingsProjection.window(id, account: account, fields: fields, now: now).insert(
                connection,
                logger: logger
            )
        }
    }
}
