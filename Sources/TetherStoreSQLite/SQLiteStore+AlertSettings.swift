public import Foundation
import GRDB
public import TetherCore
import TetherDomain
public import TetherStore

extension SQLiteStore {
    public func alertSettings(account: AccountID) async throws -> AccountAlertSettings {
        try await self.dbWriter.read { db in
            let owned = Column("account_id") == account.rawValue
            let scopes = try AlertScopeRow.Records.filter(owned).fetchAll(db).map(\.row)
            let alerting = try AccountAlertingRow.Records.fetchOne(db, key: account.rawValue)?.row
            return AccountAlertSettings(
                rules: scopes.map(\.rules).filter { !$0.isEmpty || $0.device == nil },
                fences: try FenceRow.Records.filter(owned).order(Column("created_at"), Column("id")).fetchAll(db)
                    .map { try $0.row.fence() },
                quietWindows: try QuietWindowRow.Records.filter(owned).order(Column("created_at"), Column("id"))
                    .fetchAll(db).map { try $0.row.window() },
                switches: scopes.map(\.doNotDisturbSwitch),
                emergencyContact: alerting?.emergencyContact,
                webhook: alerting?.webhook
            )
        }
    }

    public func updateRuleSettings(account: AccountID, _ update: RuleSettings) async throws -> RuleSettings {
        try await self.dbWriter.write { db in
            var scope = try AlertScopeRow.fetch(db, account: account, device: update.device)
            scope.apply(update)
            try scope.save(db)
            try self.versionServerEdits(db, account: account, records: scope.settingRecords)
            return scope.rules
        }
    }

    public func clearRuleSettings(account: AccountID, device: DeviceID) async throws {
        try await self.dbWriter.write { db in
            var scope = try AlertScopeRow.fetch(db, account: account, device: device)
            scope.apply(RuleSettings(device: device), clearing: true)
            try scope.save(db)
            try self.versionServerEdits(db, account: account, records: scope.settingRecords)
        }
    }

    public func updateDoNotDisturb(
        account: AccountID,
        device: DeviceID?,
        enabled: Bool?,
        snooze: SnoozeChange
    ) async throws -> DoNotDisturbSwitch {
        try await self.dbWriter.write { db in
            var scope = try AlertScopeRow.fetch(db, account: account, device: device)
            scope.apply(enabled: enabled, snooze: snooze)
            try scope.save(db)
            try self.versionServerEdits(db, account: account, records: scope.settingRecords)
            return scope.doNotDisturbSwitch
        }
    }

    public func addFence(_ fence: FenceRecord, limit: Int) async throws {
        try await self.dbWriter.write { db in
            // Counted in the transaction that writes: SQLite runs one at a time, so two adds at
            // the cap cannot both see room.
            guard try Self.count(db, FenceRow.Records.self, account: fence.account) < limit else {
                throw TetherError.tooManyFences(limit: limit)
            }
            try FenceRow(fence).insert(db)
            try self.versionServerEdits(db, account: fence.account, records: [SettingRecordID(.fence, fence.id)])
        }
    }

    public func removeFence(id: String, account: AccountID) async throws -> FenceRecord? {
        try await self.dbWriter.write { db in
            guard
                let row = try FenceRow.Records.filter(Column("id") == id && Column("account_id") == account.rawValue)
                    .fetchOne(db)
            else { return nil }
            try row.delete(db)
            try self.versionServerEdits(db, account: account, records: [SettingRecordID(.fence, id)])
            return try row.row.fence()
        }
    }

    public func addQuietWindow(_ window: QuietWindowRecord, createdAt: Date, limit: Int) async throws {
        try await self.dbWriter.write { db in
            guard try Self.count(db, QuietWindowRow.Records.self, account: window.account) < limit else {
                throw TetherError.tooManyQuietWindows(limit: limit)
            }
            try QuietWindowRow(window, createdAt: createdAt).insert(db)
            try self.versionServerEdits(
                db,
                account: window.account,
                records: [SettingRecordID(.quietWindow, window.id)]
            )
        }
    }

    public func removeQuietWindow(id: String, account: AccountID) async throws -> QuietWindowRecord? {
        try await self.dbWriter.write { db in
            guard
                let row = try QuietWindowRow.Records.filter(
                    Column("id") == id && Column("account_id") == account.rawValue
                )
                .fetchOne(db)
            else { return nil }
            try row.delete(db)
            try self.versionServerEdits(db, account: account, records: [SettingRecordID(.quietWindow, id)])
            return try row.row.window()
        }
    }

    public func setEmergencyContact(_ contact: EmergencyContact?, account: AccountID) async throws {
        try await self.dbWriter.write { db in
            var row =
                try AccountAlertingRow.Records.fetchOne(db, key: account.rawValue)?.row
                ?? AccountAlertingRow(accountId: account.rawValue)
            row.emergencyContact = contact
            try AccountAlertingRow.Records(row).save(db)
            try Self.raiseAccountChange(db, account: account, .alerting)
        }
    }

    public func setWebhook(_ webhook: WebhookEndpoint?, account: AccountID) async throws -> WebhookEndpoint? {
        try await self.dbWriter.write { db in
            var row =
                try AccountAlertingRow.Records.fetchOne(db, key: account.rawValue)?.row
                ?? AccountAlertingRow(accountId: account.rawValue)
            let previous = row.webhook
            row.webhook = webhook
            try AccountAlertingRow.Records(row).save(db)
            try Self.raiseAccountChange(db, account: account, .alerting)
            if webhook == nil {
                try db.execute(sql: "DELETE FROM webhook_delivery WHERE account_id = ?", arguments: [account.rawValue])
            }
            return previous
        }
    }
}

extension SQLiteStore {
    /// How many rows of `table` the account holds (on the table's account index).
    static func count<Row: TableRecord>(_ db: Database, _ table: Row.Type, account: AccountID) throws -> Int {
        try Row.filter(Column("account_id") == account.rawValue).fetchCount(db)
    }
}

extension SQLiteStore {
    public func accountsWithTelemetry() async throws -> [AccountID] {
        try await self.dbWriter.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT d.account_id FROM device d JOIN device_state s ON s.device_id = d.id
                    ORDER BY d.account_id
                    """
            )
            .map(AccountID.init(rawValue:))
        }
    }
}

// MARK: Records

extension AlertScopeRow {
    /// The scope's row, or a new empty one.
    static func fetch(_ db: Database, account: AccountID, device: DeviceID?) throws -> AlertScopeRow {
        try self.fetchOne(db, account: account, device: device?.rawValue)
            ?? AlertScopeRow(accountId: account.rawValue, deviceId: device?.rawValue)
    }

    /// The scope's row (`device` `nil`: the account's), looked up on the `alert_scope_key`
    /// index, so the cost does not grow with the account's other scopes.
    static func fetchOne(_ db: Database, account: AccountID, device: String?) throws -> AlertScopeRow? {
        try Records.filter(
            sql: "account_id = ? AND coalesce(device_id, '') = ?",
            arguments: [account.rawValue, device ?? ""]
        )
        .fetchOne(db)?.row
    }

    /// Writes the row, replacing the scope's existing one.
    func save(_ db: Database) throws {
        try db.execute(
            sql: "DELETE FROM alert_scope WHERE account_id = ? AND coalesce(device_id, '') = ?",
            arguments: [self.accountId, self.deviceId ?? ""]
        )
        try self.insert(db)
    }
}
