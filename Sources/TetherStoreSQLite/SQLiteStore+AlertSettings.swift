public import Foundation
import GRDB
public import TetherCore
import TetherDomain
public import TetherStore

extension SQLiteStore {
    public func alertSettings(account: AccountID) async throws -> AccountAlertSettings {
        try await self.dbWriter.read { db in
            let owned = Column("account_id") == account.rawValue
            let scopes = try AlertScopeRecord.filter(owned).fetchAll(db)
            let alerting = try AccountAlertingRecord.fetchOne(db, key: account.rawValue)
            return AccountAlertSettings(
                rules: scopes.map(\.rules).filter { !$0.isEmpty || $0.device == nil },
                fences: try FenceRecordRow.filter(owned).order(Column("created_at"), Column("id")).fetchAll(db)
                    .map { try $0.fence() },
                quietWindows: try QuietWindowRow.filter(owned).order(Column("created_at"), Column("id"))
                    .fetchAll(db).map { try $0.window() },
                switches: scopes.map(\.doNotDisturbSwitch),
                emergencyContact: alerting?.emergencyContact,
                webhook: alerting?.webhook
            )
        }
    }

    public func updateRuleSettings(account: AccountID, _ update: RuleSettings) async throws -> RuleSettings {
        try await self.dbWriter.write { db in
            var scope = try AlertScopeRecord.fetch(db, account: account, device: update.device)
            scope.apply(update)
            try scope.save(db)
            try self.versionServerEdits(db, account: account, records: scope.settingRecords)
            return scope.rules
        }
    }

    public func clearRuleSettings(account: AccountID, device: DeviceID) async throws {
        try await self.dbWriter.write { db in
            var scope = try AlertScopeRecord.fetch(db, account: account, device: device)
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
            var scope = try AlertScopeRecord.fetch(db, account: account, device: device)
            if let enabled { scope.dndEnabled = enabled }
            switch snooze {
            case .keep: break
            case .set(let until): scope.snoozedUntil = until
            case .clear: scope.snoozedUntil = nil
            }
            try scope.save(db)
            try self.versionServerEdits(db, account: account, records: scope.settingRecords)
            return scope.doNotDisturbSwitch
        }
    }

    public func addFence(_ fence: FenceRecord, limit: Int) async throws {
        try await self.dbWriter.write { db in
            // Counted in the transaction that writes: SQLite runs one at a time, so two adds at
            // the cap cannot both see room.
            guard try Self.count(db, FenceRecordRow.self, account: fence.account) < limit else {
                throw TetherError.tooManyFences(limit: limit)
            }
            try FenceRecordRow(fence).insert(db)
            try self.versionServerEdits(db, account: fence.account, records: [SettingRecordID(.fence, fence.id)])
        }
    }

    public func removeFence(id: String, account: AccountID) async throws -> FenceRecord? {
        try await self.dbWriter.write { db in
            guard
                let row = try FenceRecordRow.filter(Column("id") == id && Column("account_id") == account.rawValue)
                    .fetchOne(db)
            else { return nil }
            try row.delete(db)
            try self.versionServerEdits(db, account: account, records: [SettingRecordID(.fence, id)])
            return try row.fence()
        }
    }

    public func addQuietWindow(_ window: QuietWindowRecord, createdAt: Date, limit: Int) async throws {
        try await self.dbWriter.write { db in
            guard try Self.count(db, QuietWindowRow.self, account: window.account) < limit else {
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
                let row = try QuietWindowRow.filter(Column("id") == id && Column("account_id") == account.rawValue)
                    .fetchOne(db)
            else { return nil }
            try row.delete(db)
            try self.versionServerEdits(db, account: account, records: [SettingRecordID(.quietWindow, id)])
            return try row.window()
        }
    }

    public func setEmergencyContact(_ contact: EmergencyContact?, account: AccountID) async throws {
        try await self.dbWriter.write { db in
            var row =
                try AccountAlertingRecord.fetchOne(db, key: account.rawValue)
                ?? AccountAlertingRecord(accountId: account.rawValue)
            row.emergencyName = contact?.name
            row.emergencyPhone = contact?.phone
            try row.save(db)
            try Self.raiseAccountChange(db, account: account, .alerting)
        }
    }

    public func setWebhook(_ webhook: WebhookEndpoint?, account: AccountID) async throws -> WebhookEndpoint? {
        try await self.dbWriter.write { db in
            var row =
                try AccountAlertingRecord.fetchOne(db, key: account.rawValue)
                ?? AccountAlertingRecord(accountId: account.rawValue)
            let previous = row.webhook
            row.webhookUrl = webhook?.url.absoluteString
            row.webhookSecret = webhook?.secret
            row.webhookCreatedAt = webhook?.createdAt
            try row.save(db)
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

/// An `alert_scope` row: the rule values and do-not-disturb switch of the account or one device.
struct AlertScopeRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "alert_scope"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var accountId: String
    var deviceId: String?
    var allowedDistanceM: Double?
    var dwellS: Int?
    var lowBatteryPct: Int?
    var silentAfterS: Int?
    var repeatIntervalS: Int?
    var phoneId: String?
    var dndEnabled: Bool?
    var snoozedUntil: Date?

    /// The scope's row, or a new empty one.
    static func fetch(_ db: Database, account: AccountID, device: DeviceID?) throws -> AlertScopeRecord {
        try self.fetchOne(db, account: account, device: device?.rawValue)
            ?? AlertScopeRecord(accountId: account.rawValue, deviceId: device?.rawValue)
    }

    /// The scope's row (`device` `nil`: the account's), looked up on the `alert_scope_key`
    /// index, so the cost does not grow with the account's other scopes.
    static func fetchOne(_ db: Database, account: AccountID, device: String?) throws -> AlertScopeRecord? {
        try AlertScopeRecord.filter(
            sql: "account_id = ? AND coalesce(device_id, '') = ?",
            arguments: [account.rawValue, device ?? ""]
        )
        .fetchOne(db)
    }

    /// The synced records this row holds: its rules and its do-not-disturb values.
    var settingRecords: [SettingRecordID] {
        let record = self.deviceId ?? SettingKey.accountRecord
        return [SettingRecordID(.rules, record), SettingRecordID(.dnd, record)]
    }

    /// Writes the row, replacing the scope's existing one.
    func save(_ db: Database) throws {
        try db.execute(
            sql: "DELETE FROM alert_scope WHERE account_id = ? AND coalesce(device_id, '') = ?",
            arguments: [self.accountId, self.deviceId ?? ""]
        )
        try self.insert(db)
    }

    /// Takes the values `update` sets; with `clearing`, unsets every rule value instead.
    mutating func apply(_ update: RuleSettings, clearing: Bool = false) {
        if clearing {
            self.allowedDistanceM = nil
            self.dwellS = nil
            self.lowBatteryPct = nil
            self.silentAfterS = nil
            self.repeatIntervalS = nil
            self.phoneId = nil
            return
        }
        self.allowedDistanceM = update.allowedDistanceMeters ?? self.allowedDistanceM
        self.dwellS = update.dwellSeconds ?? self.dwellS
        self.lowBatteryPct = update.lowBatteryPercent ?? self.lowBatteryPct
        self.silentAfterS = update.silentAfterSeconds ?? self.silentAfterS
        self.repeatIntervalS = update.repeatIntervalSeconds ?? self.repeatIntervalS
        // An empty phone id clears the choice (back to the account's freshest phone).
        if let phone = update.phone { self.phoneId = phone.rawValue.isEmpty ? nil : phone.rawValue }
    }

    var rules: RuleSettings {
        RuleSettings(
            device: self.deviceId.map(DeviceID.init(rawValue:)),
            allowedDistanceMeters: self.allowedDistanceM,
            dwellSeconds: self.dwellS,
            lowBatteryPercent: self.lowBatteryPct,
            silentAfterSeconds: self.silentAfterS,
            repeatIntervalSeconds: self.repeatIntervalS,
            phone: self.phoneId.map(DeviceID.init(rawValue:))
        )
    }

    var doNotDisturbSwitch: DoNotDisturbSwitch {
        DoNotDisturbSwitch(
            device: self.deviceId.map(DeviceID.init(rawValue:)),
            isEnabled: self.dndEnabled,
            snoozedUntil: self.snoozedUntil
        )
    }
}

/// A `fence` row.
struct FenceRecordRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "fence"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: String
    var accountId: String
    var deviceId: String?
    var name: String
    var role: String
    var geojson: String
    var createdAt: Date

    init(_ fence: FenceRecord) {
        self.id = fence.id
        self.accountId = fence.account.rawValue
        self.deviceId = fence.device?.rawValue
        self.name = fence.name
        self.role = fence.role.rawValue
        self.geojson = fence.geoJSON
        self.createdAt = fence.createdAt
    }

    func fence() throws -> FenceRecord {
        guard let role = FenceRole(rawValue: self.role) else {
            throw StoreCorruption(table: Self.databaseTableName, column: "role")
        }
        return FenceRecord(
            id: self.id,
            account: AccountID(rawValue: self.accountId),
            device: self.deviceId.map(DeviceID.init(rawValue:)),
            name: self.name,
            role: role,
            geoJSON: self.geojson,
            createdAt: self.createdAt
        )
    }
}

/// A `quiet_window` row; days are stored as ISO numbers (`1,2,3,4,5`).
struct QuietWindowRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "quiet_window"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: String
    var accountId: String
    var deviceId: String?
    var days: String
    var startMinute: Int
    var endMinute: Int
    var timeZone: String
    var createdAt: Date

    init(_ record: QuietWindowRecord, createdAt: Date) {
        self.id = record.id
        self.accountId = record.account.rawValue
        self.deviceId = record.device?.rawValue
        self.days = record.window.days.sorted().map { String($0.rawValue) }.joined(separator: ",")
        self.startMinute = record.window.start.minutes
        self.endMinute = record.window.end.minutes
        self.timeZone = record.window.timeZoneIdentifier
        self.createdAt = createdAt
    }

    func window() throws -> QuietWindowRecord {
        let days = Set(self.days.split(separator: ",").compactMap { Int($0).flatMap(Weekday.init(rawValue:)) })
        do {
            let window = try QuietWindow(
                days: days,
                start: LocalTime(minutes: self.startMinute),
                end: LocalTime(minutes: self.endMinute),
                timeZone: self.timeZone
            )
            return QuietWindowRecord(
                id: self.id,
                account: AccountID(rawValue: self.accountId),
                device: self.deviceId.map(DeviceID.init(rawValue:)),
                window: window
            )
        } catch {
            throw StoreCorruption(table: Self.databaseTableName, column: "days")
        }
    }
}

/// An `account_alerting` row: the emergency contact and the webhook.
struct AccountAlertingRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "account_alerting"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var accountId: String
    var emergencyName: String?
    var emergencyPhone: String?
    var webhookUrl: String?
    var webhookSecret: String?
    var webhookCreatedAt: Date?

    init(accountId: String) {
        self.accountId = accountId
    }

    var emergencyContact: EmergencyContact? {
        guard let name = self.emergencyName, let phone = self.emergencyPhone else { return nil }
        return try? EmergencyContact(name: name, phone: phone)
    }

    var webhook: WebhookEndpoint? {
        guard let url = self.webhookUrl.flatMap(URL.init(string:)), let secret = self.webhookSecret,
            let created = self.webhookCreatedAt
        else { return nil }
        return WebhookEndpoint(url: url, secret: secret, createdAt: created)
    }
}
