public import Foundation
public import TetherCore

// The rows of the alert-settings tables as every backend stores them (same tables, same
// columns): each backend reads and writes the columns, these types turn them into TetherCore
// values and back. Property names are the columns' names in camel case.

/// An `alert_scope` row: the rule values and do-not-disturb switch of the account (`deviceId`
/// `nil`) or of one device.
public struct AlertScopeRow: Sendable, Hashable, Codable {
    public var accountId: String
    public var deviceId: String?
    public var allowedDistanceM: Double?
    public var dwellS: Int?
    public var lowBatteryPct: Int?
    public var silentAfterS: Int?
    public var repeatIntervalS: Int?
    public var phoneId: String?
    public var dndEnabled: Bool?
    public var snoozedUntil: Date?

    /// A scope with nothing set.
    public init(accountId: String, deviceId: String?) {
        self.accountId = accountId
        self.deviceId = deviceId
    }

    /// The scope's record id in settings sync: the device id, or ``SettingKey/accountRecord``.
    public var settingRecord: String { self.deviceId ?? SettingKey.accountRecord }

    /// The synced records this row holds: its rules and its do-not-disturb values.
    public var settingRecords: [SettingRecordID] {
        [SettingRecordID(.rules, self.settingRecord), SettingRecordID(.dnd, self.settingRecord)]
    }

    /// Takes the values `update` sets; with `clearing`, unsets every rule value instead.
    public mutating func apply(_ update: RuleSettings, clearing: Bool = false) {
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

    /// Sets the do-not-disturb switch (when `enabled` is given) and the snooze.
    public mutating func apply(enabled: Bool?, snooze: SnoozeChange) {
        if let enabled { self.dndEnabled = enabled }
        switch snooze {
        case .keep: break
        case .set(let until): self.snoozedUntil = until
        case .clear: self.snoozedUntil = nil
        }
    }

    /// The rule values.
    public var rules: RuleSettings {
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

    /// The do-not-disturb switch.
    public var doNotDisturbSwitch: DoNotDisturbSwitch {
        DoNotDisturbSwitch(
            device: self.deviceId.map(DeviceID.init(rawValue:)),
            isEnabled: self.dndEnabled,
            snoozedUntil: self.snoozedUntil
        )
    }
}

/// A `fence` row.
public struct FenceRow: Sendable, Hashable, Codable {
    public static let table = "fence"

    public var id: String
    public var accountId: String
    public var deviceId: String?
    public var name: String
    public var role: String
    public var geojson: String
    public var createdAt: Date

    /// A row with every column given.
    public init(
        id: String,
        accountId: String,
        deviceId: String?,
        name: String,
        role: String,
        geojson: String,
        createdAt: Date
    ) {
        self.id = id
        self.accountId = accountId
        self.deviceId = deviceId
        self.name = name
        self.role = role
        self.geojson = geojson
        self.createdAt = createdAt
    }

    /// The row of `fence`.
    public init(_ fence: FenceRecord) {
        self.init(
            id: fence.id,
            accountId: fence.account.rawValue,
            deviceId: fence.device?.rawValue,
            name: fence.name,
            role: fence.role.rawValue,
            geojson: fence.geoJSON,
            createdAt: fence.createdAt
        )
    }

    /// The fence.
    ///
    /// - Throws: ``StoreCorruption`` when the role is unknown.
    public func fence() throws -> FenceRecord {
        guard let role = FenceRole(rawValue: self.role) else {
            throw StoreCorruption(table: Self.table, column: "role")
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
public struct QuietWindowRow: Sendable, Hashable, Codable {
    public static let table = "quiet_window"

    public var id: String
    public var accountId: String
    public var deviceId: String?
    public var days: String
    public var startMinute: Int
    public var endMinute: Int
    public var timeZone: String
    public var createdAt: Date

    /// A row with every column given.
    public init(
        id: String,
        accountId: String,
        deviceId: String?,
        days: String,
        startMinute: Int,
        endMinute: Int,
        timeZone: String,
        createdAt: Date
    ) {
        self.id = id
        self.accountId = accountId
        self.deviceId = deviceId
        self.days = days
        self.startMinute = startMinute
        self.endMinute = endMinute
        self.timeZone = timeZone
        self.createdAt = createdAt
    }

    /// The row of `record`, created at `createdAt`.
    public init(_ record: QuietWindowRecord, createdAt: Date) {
        self.init(
            id: record.id,
            accountId: record.account.rawValue,
            deviceId: record.device?.rawValue,
            days: record.window.days.sorted().map { String($0.rawValue) }.joined(separator: ","),
            startMinute: record.window.start.minutes,
            endMinute: record.window.end.minutes,
            timeZone: record.window.timeZoneIdentifier,
            createdAt: createdAt
        )
    }

    /// The window.
    ///
    /// - Throws: ``StoreCorruption`` when the columns do not make a valid window.
    public func window() throws -> QuietWindowRecord {
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
            throw StoreCorruption(table: Self.table, column: "days")
        }
    }
}

/// An `account_alerting` row: the emergency contact and the webhook.
public struct AccountAlertingRow: Sendable, Hashable, Codable {
    public var accountId: String
    public var emergencyName: String?
    public var emergencyPhone: String?
    public var webhookUrl: String?
    public var webhookSecret: String?
    public var webhookCreatedAt: Date?

    /// A row with nothing set.
    public init(accountId: String) {
        self.accountId = accountId
    }

    /// The emergency contact, when both its columns are set and still valid.
    public var emergencyContact: EmergencyContact? {
        get {
            guard let name = self.emergencyName, let phone = self.emergencyPhone else { return nil }
            return try? EmergencyContact(name: name, phone: phone)
        }
        set {
            self.emergencyName = newValue?.name
            self.emergencyPhone = newValue?.phone
        }
    }

    /// The webhook, when its columns are all set.
    public var webhook: WebhookEndpoint? {
        get {
            guard let url = self.webhookUrl.flatMap(URL.init(string:)), let secret = self.webhookSecret,
                let created = self.webhookCreatedAt
            else { return nil }
            return WebhookEndpoint(url: url, secret: secret, createdAt: created)
        }
        set {
            self.webhookUrl = newValue?.url.absoluteString
            self.webhookSecret = newValue?.secret
            self.webhookCreatedAt = newValue?.createdAt
        }
    }
}
