public import Foundation
import Logging
import PostgresNIO
public import TetherCore
import TetherDomain
public import TetherStore

/// ``AlertSettingsStore`` on PostgreSQL. Every write of a synced setting takes the account's
/// settings lock (``lockSettings(_:account:logger:)``) before it reads, so the caps are counted
/// and the versions written under it; the emergency contact and webhook lock their
/// `account_alerting` row.
extension PostgresStore {
    public func alertSettings(account: AccountID) async throws -> AccountAlertSettings {
        let logger = self.pool.logger
        // One snapshot for the four reads.
        return try await self.pool.transaction(.repeatableRead) { connection in
            let scopes = try await AlertScopeRow.decode(
                connection.query(
                    "SELECT \(unescaped: AlertScopeRow.columns) FROM alert_scope WHERE account_id = \(account.rawValue)",
                    logger: logger
                )
            )
            let fences = try await FenceRow.decode(
                connection.query(
                    """
                    SELECT \(unescaped: FenceRow.columns) FROM fence WHERE account_id = \(account.rawValue)
                    ORDER BY created_at, id COLLATE "C"
                    """,
                    logger: logger
                )
            )
            let windows = try await QuietWindowRow.decode(
                connection.query(
                    """
                    SELECT \(unescaped: QuietWindowRow.columns) FROM quiet_window WHERE account_id = \(account.rawValue)
                    ORDER BY created_at, id COLLATE "C"
                    """,
                    logger: logger
                )
            )
            let alerting = try await Self.alerting(connection, account: account, lock: false, logger: logger)
            return AccountAlertSettings(
                rules: scopes.map(\.rules).filter { !$0.isEmpty || $0.device == nil },
                fences: try fences.map { try $0.fence() },
                quietWindows: try windows.map { try $0.window() },
                switches: scopes.map(\.doNotDisturbSwitch),
                emergencyContact: alerting?.emergencyContact,
                webhook: alerting?.webhook
            )
        }
    }

    public func updateRuleSettings(account: AccountID, _ update: RuleSettings) async throws -> RuleSettings {
        try await self.updateScope(account: account, device: update.device) { $0.apply(update) }.rules
    }

    public func clearRuleSettings(account: AccountID, device: DeviceID) async throws {
        _ = try await self.updateScope(account: account, device: device) {
            $0.apply(RuleSettings(device: device), clearing: true)
        }
    }

    public func updateDoNotDisturb(
        account: AccountID,
        device: DeviceID?,
        enabled: Bool?,
        snooze: SnoozeChange
    ) async throws -> DoNotDisturbSwitch {
        try await self.updateScope(account: account, device: device) {
            $0.apply(enabled: enabled, snooze: snooze)
        }
        .doNotDisturbSwitch
    }

    public func addFence(_ fence: FenceRecord, limit: Int) async throws {
        let logger = self.pool.logger
        try await self.pool.transaction { connection in
            // Counted under the settings lock: two adds at the cap cannot both see room.
            let lock = try await Self.lockSettings(connection, account: fence.account, logger: logger)
            guard try await Self.settingsCounts(connection, account: fence.account, logger: logger).fences < limit
            else {
                throw TetherError.tooManyFences(limit: limit)
            }
            try await FenceRow(fence).insert(connection, logger: logger)
            try await self.versionServerEdits(
                connection,
                lock,
                records: [SettingRecordID(.fence, fence.id)],
                logger: logger
            )
        }
    }

    public func removeFence(id: String, account: AccountID) async throws -> FenceRecord? {
        let logger = self.pool.logger
        return try await self.pool.transaction { connection in
            let lock = try await Self.lockSettings(connection, account: account, logger: logger)
            let rows = try await connection.query(
                """
                DELETE FROM fence WHERE id = \(id) AND account_id = \(account.rawValue)
                RETURNING \(unescaped: FenceRow.columns)
                """,
                logger: logger
            )
            guard let row = try await FenceRow.decode(rows).first else { return nil }
            try await self.versionServerEdits(connection, lock, records: [SettingRecordID(.fence, id)], logger: logger)
            return try row.fence()
        }
    }

    public func addQuietWindow(_ window: QuietWindowRecord, createdAt: Date, limit: Int) async throws {
        let logger = self.pool.logger
        try await self.pool.transaction { connection in
            let lock = try await Self.lockSettings(connection, account: window.account, logger: logger)
            guard try await Self.settingsCounts(connection, account: window.account, logger: logger).windows < limit
            else {
                throw TetherError.tooManyQuietWindows(limit: limit)
            }
            try await QuietWindowRow(window, createdAt: createdAt).insert(connection, logger: logger)
            try await self.versionServerEdits(
                connection,
                lock,
                records: [SettingRecordID(.quietWindow, window.id)],
                logger: logger
            )
        }
    }

    public func removeQuietWindow(id: String, account: AccountID) async throws -> QuietWindowRecord? {
        let logger = self.pool.logger
        return try await self.pool.transaction { connection in
            let lock = try await Self.lockSettings(connection, account: account, logger: logger)
            let rows = try await connection.query(
                """
                DELETE FROM quiet_window WHERE id = \(id) AND account_id = \(account.rawValue)
                RETURNING \(unescaped: QuietWindowRow.columns)
                """,
                logger: logger
            )
            guard let row = try await QuietWindowRow.decode(rows).first else { return nil }
            try await self.versionServerEdits(
                connection,
                lock,
                records: [SettingRecordID(.quietWindow, id)],
                logger: logger
            )
            return try row.window()
        }
    }

    public func setEmergencyContact(_ contact: EmergencyContact?, account: AccountID) async throws {
        _ = try await self.updateAlerting(account: account) { $0.emergencyContact = contact }
    }

    public func setWebhook(_ webhook: WebhookEndpoint?, account: AccountID) async throws -> WebhookEndpoint? {
        let logger = self.pool.logger
        return try await self.updateAlerting(account: account) { row in
            row.webhook = webhook
        } then: { connection in
            if webhook == nil {
                try await connection.query(
                    "DELETE FROM webhook_delivery WHERE account_id = \(account.rawValue)",
                    logger: logger
                )
            }
        }
        .webhook
    }

    public func accountsWithTelemetry() async throws -> [AccountID] {
        let logger = self.pool.logger
        return try await self.pool.read { connection in
            let rows = try await connection.query(
                """
                SELECT DISTINCT d.account_id COLLATE "C" FROM device d JOIN device_state s ON s.device_id = d.id
                ORDER BY 1
                """,
                logger: logger
            )
            var accounts: [AccountID] = []
            for try await id in rows.decode(String.self) {
                accounts.append(AccountID(rawValue: id))
            }
            return accounts
        }
    }
}

extension PostgresStore {
    /// The account's fences and windows, counted in one statement.
    static func settingsCounts(
        _ connection: PostgresConnection,
        account: AccountID,
        logger: Logger
    ) async throws -> (fences: Int, windows: Int) {
        let rows = try await connection.query(
            """
            SELECT (SELECT count(*) FROM fence WHERE account_id = \(account.rawValue)),
                (SELECT count(*) FROM quiet_window WHERE account_id = \(account.rawValue))
            """,
            logger: logger
        )
        var counts = (fences: 0, windows: 0)
        for try await (fences, windows) in rows.decode((Int64, Int64).self) {
            counts = (Int(fences), Int(windows))
        }
        return counts
    }

    /// Changes one scope's row under the settings lock and versions its records; returns the row after.
    private func updateScope(
        account: AccountID,
        device: DeviceID?,
        _ change: @escaping @Sendable (inout AlertScopeRow) -> Void
    ) async throws -> AlertScopeRow {
        let logger = self.pool.logger
        return try await self.pool.transaction { connection in
            let lock = try await Self.lockSettings(connection, account: account, logger: logger)
            var scope = try await AlertScopeRow.fetch(
                connection,
                account: account,
                device: device?.rawValue,
                logger: logger
            )
            change(&scope)
            try await scope.save(connection, logger: logger)
            try await self.versionServerEdits(connection, lock, records: scope.settingRecords, logger: logger)
            return scope
        }
    }

    /// Changes the account's `account_alerting` row (created when missing) with its row locked,
    /// runs `then` in the same transaction and raises the account's change number; returns the
    /// row as it was before.
    private func updateAlerting(
        account: AccountID,
        _ change: @escaping @Sendable (inout AccountAlertingRow) -> Void,
        then: @escaping @Sendable (PostgresConnection) async throws -> Void = { _ in }
    ) async throws -> AccountAlertingRow {
        let logger = self.pool.logger
        return try await self.pool.transaction { connection in
            // Waits for a concurrent creator, so the row read next is the one this write replaces.
            try await connection.query(
                "INSERT INTO account_alerting (account_id) VALUES (\(account.rawValue)) ON CONFLICT DO NOTHING",
                logger: logger
            )
            let previous =
                try await Self.alerting(connection, account: account, lock: true, logger: logger)
                ?? AccountAlertingRow(accountId: account.rawValue)
            var row = previous
            change(&row)
            try await connection.query(
                """
                UPDATE account_alerting SET emergency_name = \(row.emergencyName),
                    emergency_phone = \(row.emergencyPhone), webhook_url = \(row.webhookUrl),
                    webhook_secret = \(row.webhookSecret), webhook_created_at = \(row.webhookCreatedAt)
                WHERE account_id = \(account.rawValue)
                """,
                logger: logger
            )
            try await Self.raiseAccountChange(connection, account: account, .alerting, logger: logger)
            try await then(connection)
            return previous
        }
    }

    /// The account's `account_alerting` row; with `lock`, locked until the transaction ends.
    private static func alerting(
        _ connection: PostgresConnection,
        account: AccountID,
        lock: Bool,
        logger: Logger
    ) async throws -> AccountAlertingRow? {
        let rows = try await connection.query(
            """
            SELECT emergency_name, emergency_phone, webhook_url, webhook_secret, webhook_created_at
            FROM account_alerting WHERE account_id = \(account.rawValue) \(unescaped: lock ? "FOR UPDATE" : "")
            """,
            logger: logger
        )
        var row: AccountAlertingRow?
        for try await (name, phone, url, secret, created) in rows.decode(
            (String?, String?, String?, String?, Date?).self
        ) {
            var found = AccountAlertingRow(accountId: account.rawValue)
            found.emergencyName = name
            found.emergencyPhone = phone
            found.webhookUrl = url
            found.webhookSecret = secret
            found.webhookCreatedAt = created
            row = found
        }
        return row
    }
}
